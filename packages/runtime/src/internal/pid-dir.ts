// Where runc writes a container's --pid-file. runc opens it O_SYNC (createPidFile), and
// it does so after the start, before it waits for the init: on a disk filesystem every
// start then waits for a journal commit (1-3 ms here, far more while others write to the
// same disk), on a memory filesystem it costs nothing. So the pid file goes in the
// runtime root when that is tmpfs (/run/runc on most hosts), else in a directory made
// for this one container in /dev/shm (mkdtemp: unique, mode 0700, named after the
// container), else in the root. Such a directory also holds the container's clean-up
// plan (recorded-cleanup.ts): it describes cgroups, which live in memory too, and so a
// root on disk sees no write of ours at all during a run.
import { lstatSync, mkdtempSync, readdirSync, statfsSync } from 'node:fs';

const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

/** The memory filesystem private pid directories are made in. */
export const SHM_DIR = '/dev/shm';
/** `ctrkit-pid-<id>-XXXXXX` under SHM_DIR. */
export const PID_DIR_PREFIX = 'ctrkit-pid-';
const SUFFIX_RE = /^[A-Za-z0-9]{6}$/;
// runc-args.ts checkId's set, without its throw.
const VALID_ID = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$/;
/** The clean-up plan's name inside a pid directory. */
export const PLAN_FILE = 'plan.json';

/** Whether `dir` is a name pidFileLocation() gives `id` (the only pid directory a recorded plan may name). */
export function isPidDirOf(dir: string, id: string): boolean {
  const prefix = `${SHM_DIR}/${PID_DIR_PREFIX}${id}-`;
  return dir.startsWith(prefix) && SUFFIX_RE.test(dir.slice(prefix.length));
}

// Filesystem types do not change under a path in practice; one statfs per path per process.
const memfs = new Map<string, boolean>();

/** Whether `path` is on tmpfs or ramfs (where a create or an O_SYNC write never waits for a disk). */
export function onMemoryFs(path: string): boolean {
  let v = memfs.get(path);
  if (v === undefined) {
    try {
      const type = statfsSync(path).type;
      v = type === TMPFS_MAGIC || type === RAMFS_MAGIC;
    } catch {
      v = false;
    }
    memfs.set(path, v);
  }
  return v;
}

export interface PidFileLocation {
  readonly path: string;
  /** The private directory made for it (removed with it), or null when it is in the root. */
  readonly dir: string | null;
}

/** Chooses (and for /dev/shm, makes) the place of `id`'s pid file; `root` must exist, `id` be checked. */
export function pidFileLocation(root: string, id: string): PidFileLocation {
  if (!onMemoryFs(root) && onMemoryFs(SHM_DIR)) {
    try {
      const dir = mkdtempSync(`${SHM_DIR}/${PID_DIR_PREFIX}${id}-`);
      return { path: `${dir}/${id}.pid`, dir };
    } catch {
      // Full or read-only /dev/shm: the root still works, only slower.
    }
  }
  return { path: `${root}/${id}.pid`, dir: null };
}

/**
 * The pid directories of this user in /dev/shm, for `id` or for every id: only directories
 * with the names pidFileLocation() gives, owned by us and closed to others (/dev/shm is
 * writable by everyone; a directory someone else made is never acted on).
 */
export function ownPidDirs(id?: string): { id: string; dir: string }[] {
  let names: string[];
  try {
    names = readdirSync(SHM_DIR);
  } catch {
    return [];
  }
  const start = `${PID_DIR_PREFIX}${id === undefined ? '' : `${id}-`}`;
  const uid = process.geteuid?.() ?? -1;
  const out: { id: string; dir: string }[] = [];
  for (const name of names) {
    if (!name.startsWith(start) || name.length < PID_DIR_PREFIX.length + 8) continue;
    const owner = name.slice(PID_DIR_PREFIX.length, -7);
    const dir = `${SHM_DIR}/${name}`;
    if (!VALID_ID.test(owner) || !isPidDirOf(dir, owner) || (id !== undefined && owner !== id)) continue;
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) continue;
    } catch {
      continue;
    }
    out.push({ id: owner, dir });
  }
  return out;
}
