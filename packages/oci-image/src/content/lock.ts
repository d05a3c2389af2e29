// Per-ref ingest locks that hold across processes: a `lock` file created with O_EXCL that
// names the owner (pid and its start time, so a reused pid is not mistaken for the owner).
// A lock whose owner is gone (killed, crashed) is stale and taken over.
import { readFileSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { OciImageError } from '../errors.js';

const held = new Set<string>();

function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

const self = `${process.pid} ${startTime(process.pid) ?? '0'}`;

function ownerAlive(owner: string): boolean {
  const [pidText, started] = owner.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTime(pid);
  return now === null || started === undefined || now === started;
}

/** Takes the lock at `path` for `ref`. @throws ERR_LOCKED while a live owner holds it. */
export async function acquireLock(path: string, ref: string): Promise<void> {
  if (held.has(path)) throw locked(ref, 'this process');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o644);
      try {
        await fh.writeFile(self);
      } finally {
        await fh.close();
      }
      held.add(path);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await readFile(path, 'utf8').catch(() => '');
    if (owner !== '' && ownerAlive(owner)) throw locked(ref, `pid ${owner.split(' ')[0]}`);
    // Stale: move it aside under a unique name so two reclaimers cannot both win.
    const aside = `${path}.stale-${process.pid}-${attempt}`;
    try {
      await rename(path, aside);
      await unlink(aside);
    } catch {}
  }
  throw locked(ref, 'a competing process');
}

export async function releaseLock(path: string): Promise<void> {
  if (!held.delete(path)) return;
  await unlink(path).catch(() => {});
}

/** True while this process holds the lock (used by abort). */
export function isHeldHere(path: string): boolean {
  return held.has(path);
}

function locked(ref: string, by: string): OciImageError {
  return new OciImageError(
    'ERR_LOCKED',
    `ingest ${JSON.stringify(ref)} is locked by ${by}; wait for that writer to finish or abort it`,
  );
}
