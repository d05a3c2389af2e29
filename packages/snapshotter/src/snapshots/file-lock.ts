// An inter-process lock on a path, for the metadata store. Node has no flock(2), so the
// lock is a file created with O_EXCL that names its owner (pid + process start time, so a
// recycled pid is not mistaken for the owner). A lock whose owner has died — a SIGKILL
// in the middle of a commit — is stale and is broken by the next process that wants it.
import { randomBytes } from 'node:crypto';
import { link, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SnapshotError } from './errors.js';
import { identityAlive, processIdentity } from './process-identity.js';

export interface LockOptions {
  /** Give up after this many ms. @default 30000 */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A held lock; `release()` is idempotent. */
export interface HeldLock {
  release(): Promise<void>;
}

/** Takes the lock at `path`, waiting (with backoff) while a live process holds it. */
export async function acquireLock(path: string, opts: LockOptions = {}): Promise<HeldLock> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const token = `${processIdentity()} ${randomBytes(6).toString('hex')}\n`;
  let delay = 1;
  for (;;) {
    opts.signal?.throwIfAborted();
    // The token is written to a private file first and hard-linked into place, so the
    // lock never exists without its owner's name, even if we are killed half-way.
    const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, token, { mode: 0o644, flag: 'wx' });
    try {
      await link(tmp, path);
      return lockHandle(path, token);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await unlink(tmp).catch(() => {});
    }
    if (await breakIfStale(path)) continue;
    if (Date.now() > deadline) {
      const owner = await readFile(path, 'utf8').catch(() => '?');
      throw new SnapshotError(
        'ERR_SNAPSHOT_STORE_LOCKED',
        `the snapshot store lock ${path} is held by process ${owner.split(' ')[0]}; wait for it to finish or stop it`,
      );
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 25);
  }
}

function lockHandle(path: string, token: string): HeldLock {
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      // Only remove the lock if it is still ours (it may have been broken as stale).
      const now = await readFile(path, 'utf8').catch(() => '');
      if (now === token) await unlink(path).catch(() => {});
    },
  };
}

/**
 * Breaks the lock if its owner is gone. Two processes may find the same stale lock; the
 * rename to a unique name lets only one of them take it away, and the winner checks that
 * what it moved is still the stale owner's (otherwise it puts the live lock back).
 */
async function breakIfStale(path: string): Promise<boolean> {
  const content = await readFile(path, 'utf8').catch(() => null);
  if (content === null) return true; // released meanwhile: retry at once
  if (ownerAlive(content)) return false;
  const aside = `${path}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return true; // someone else moved it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => '');
  if (moved !== content) {
    // We took a fresh lock by mistake: give it back (link never replaces a newer lock).
    await link(aside, path).catch(() => {});
    await unlink(aside).catch(() => {});
    return false;
  }
  await unlink(aside).catch(() => {});
  return true;
}

/** Removes what killed lockers of `path` left: their private token files and set-aside locks. */
export async function removeLockLeftovers(path: string): Promise<string[]> {
  const dir = dirname(path);
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.startsWith(`${basename(path)}.`)) continue;
    const full = join(dir, name);
    const m = /\.tmp-(\d+)-/.exec(name);
    const dead = m ? !pidRunning(Number(m[1])) : name.includes('.stale-') && (await isOld(full));
    if (
      dead &&
      (await unlink(full).then(
        () => true,
        () => false,
      ))
    )
      removed.push(name);
  }
  return removed;
}

/** True while a process with this pid exists (temp files carry only the pid). */
export function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function isOld(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => null);
  return st !== null && Date.now() - st.mtimeMs > 60_000;
}

function ownerAlive(content: string): boolean {
  const [pid, start] = content.split(' ');
  return identityAlive(`${pid} ${start}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
