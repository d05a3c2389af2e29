// What `ip netns add NAME` does around the namespace itself: /run/netns made a shared mount
// (bind-mounted on itself first if it is not a mount point yet), so that the namespace
// mounts propagate to other mount namespaces, and an empty file as the mount point.
import { closeSync, constants, mkdirSync, openSync } from 'node:fs';
import type { SysBindings } from './sys.js';

/** mkdir -p /run/netns and make it a shared mount, as iproute2 does before every add. */
export function prepareNetnsDir(sys: SysBindings, dir: string): void {
  mkdirSync(dir, { mode: 0o755, recursive: true });
  try {
    sys.mountSync('', dir, 'none', sys.MS.SHARED | sys.MS.REC);
  } catch (err) {
    // EINVAL: not a mount point yet. Bind it on itself, then retry once.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
    sys.mountSync(dir, dir, 'none', sys.MS.BIND | sys.MS.REC);
    sys.mountSync('', dir, 'none', sys.MS.SHARED | sys.MS.REC);
  }
}

/**
 * The empty file a namespace is bind-mounted on; EEXIST when the name is taken. Synchronous
 * on purpose: it runs while a native thread unshares the namespace, when the event loop has
 * nothing else of this call to do, and it saves a trip through the libuv pool.
 */
export function createMountPoint(path: string): void {
  closeSync(openSync(path, constants.O_RDONLY | constants.O_CREAT | constants.O_EXCL, 0));
}
