// mountAll / unmountAll: perform the Mount[] a snapshot describes, as containerd's
// mount.All and mount.UnmountAll do. Options that are mount flags (ro, nosuid, rbind, ...)
// become MS_* flags; the rest is passed to the filesystem as its option string.
import { isMainThread } from 'node:worker_threads';
import { SnapshotError } from './errors.js';
import { planOverlayMount } from './overlay-options.js';
import { MS, mountSync, umountSync } from './sys.js';
import type { Mount } from './types.js';

/** Mount flags by option name; `clear` flags are removed (e.g. `rw` undoes `ro`). */
const FLAGS: Record<string, { set?: number; clear?: number }> = {
  ro: { set: MS.RDONLY },
  rw: { clear: MS.RDONLY },
  nosuid: { set: MS.NOSUID },
  suid: { clear: MS.NOSUID },
  nodev: { set: MS.NODEV },
  dev: { clear: MS.NODEV },
  noexec: { set: MS.NOEXEC },
  exec: { clear: MS.NOEXEC },
  sync: { set: MS.SYNCHRONOUS },
  dirsync: { set: MS.DIRSYNC },
  noatime: { set: MS.NOATIME },
  nodiratime: { set: MS.NODIRATIME },
  relatime: { set: MS.RELATIME },
  strictatime: { set: MS.STRICTATIME },
  bind: { set: MS.BIND },
  rbind: { set: MS.BIND | MS.REC },
};

/** Splits options into MS_* flags and the filesystem's data options. */
export function parseMountOptions(options: readonly string[]): { flags: number; data: string[] } {
  let flags = 0;
  const data: string[] = [];
  for (const opt of options) {
    const f = FLAGS[opt];
    if (f) {
      if (f.set) flags |= f.set;
      if (f.clear) flags &= ~f.clear;
    } else {
      data.push(opt);
    }
  }
  return { flags, data };
}

/**
 * Mounts each of `mounts` on the existing directory `target`, in order. If one fails, the
 * ones already mounted are unmounted again, so nothing is left mounted on error.
 */
export async function mountAll(mounts: readonly Mount[], target: string): Promise<void> {
  let done = 0;
  try {
    for (const m of mounts) {
      mountOne(m, target);
      done += 1;
    }
  } catch (err) {
    const failed = mounts[done];
    for (; done > 0; done--) {
      try {
        umountSync(target, 0);
      } catch {}
    }
    if (err instanceof SnapshotError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new SnapshotError(
      'ERR_MOUNT_FAILED',
      `mounting ${failed?.type ?? '?'} from ${failed?.source ?? '?'} on ${target} failed: ${e.code ?? ''} ${e.message}; check that the target exists and the kernel supports the mount`,
      { cause: err },
    );
  }
}

function mountOne(m: Mount, target: string): void {
  const { flags, data } = parseMountOptions(m.options);
  if (m.type === 'bind') {
    if (!(flags & MS.BIND)) throw invalid(m, 'a bind mount needs the option bind or rbind');
    mountSync(m.source, target, null, flags & (MS.BIND | MS.REC), null);
    // The kernel ignores per-mount flags on the first bind call; they need a remount.
    const perMount = flags & ~(MS.BIND | MS.REC);
    if (perMount) mountSync(null, target, null, MS.REMOUNT | MS.BIND | perMount, null);
    return;
  }
  if (m.type === 'overlay') {
    const plan = planOverlayMount(data);
    if (plan.cwd === undefined) {
      mountSync(m.source, target, 'overlay', flags, plan.data);
      return;
    }
    // Short relative lowerdirs (docker's trick): mount(2) resolves them against the cwd.
    // The call is synchronous, so no other JavaScript runs while the cwd is changed.
    if (!isMainThread) {
      throw new SnapshotError(
        'ERR_MOUNT_OPTIONS_TOO_LONG',
        `the overlay options for ${target} exceed one page and need a working-directory change, which worker threads cannot make; mount from the main thread`,
      );
    }
    const back = process.cwd();
    process.chdir(plan.cwd);
    try {
      mountSync(m.source, target, 'overlay', flags, plan.data);
    } finally {
      process.chdir(back);
    }
    return;
  }
  throw invalid(m, `type ${JSON.stringify((m as Mount).type)} is not 'bind' or 'overlay'`);
}

/** Unmounts everything stacked on `target` (a no-op when nothing is mounted there). */
export async function unmountAll(target: string): Promise<void> {
  for (let i = 0; i < 1024; i++) {
    try {
      umountSync(target, 0);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EINVAL' || code === 'ENOENT') return;
      throw new SnapshotError(
        'ERR_MOUNT_FAILED',
        `unmounting ${target} failed: ${code}; is a process still using it?`,
        {
          cause: err,
        },
      );
    }
  }
}

function invalid(m: Mount, why: string): SnapshotError {
  return new SnapshotError('ERR_INVALID_MOUNT', `mount ${JSON.stringify(m)} is invalid: ${why}`);
}
