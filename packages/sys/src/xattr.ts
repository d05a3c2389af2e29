// Extended attributes. The l* calls act on a symlink itself, never its target, which is
// what layer apply needs (security.capability, trusted.overlay.opaque, user.*).
import { native } from './binding.js';
import { checkBytes, checkFd, checkFlags, checkPath } from './validate.js';

const name = (n: unknown) => checkPath('name', n);

/** Sets `name` on `path` (not following a final symlink); `flags` is XATTR.CREATE / REPLACE. */
export function lsetxattr(path: string, attr: string, value: Uint8Array, flags = 0): Promise<void> {
  return native().lsetxattrAsync(
    checkPath('path', path),
    name(attr),
    checkBytes('value', value),
    checkFlags('flags', flags),
  );
}

/** lsetxattr(2) on the calling thread. */
export function lsetxattrSync(path: string, attr: string, value: Uint8Array, flags = 0): void {
  native().lsetxattr(checkPath('path', path), name(attr), checkBytes('value', value), checkFlags('flags', flags));
}

/** The value of `name`, or null when the attribute is not set (ENODATA). */
export function lgetxattr(path: string, attr: string): Promise<Buffer | null> {
  return native().lgetxattrAsync(checkPath('path', path), name(attr));
}

/** lgetxattr(2) on the calling thread; null when unset. */
export function lgetxattrSync(path: string, attr: string): Buffer | null {
  return native().lgetxattr(checkPath('path', path), name(attr));
}

/** The names of all attributes set on `path`, e.g. ['user.a', 'trusted.overlay.opaque']. */
export function llistxattr(path: string): Promise<string[]> {
  return native().llistxattrAsync(checkPath('path', path));
}

/** llistxattr(2) on the calling thread. */
export function llistxattrSync(path: string): string[] {
  return native().llistxattr(checkPath('path', path));
}

/** Removes `name` from `path` (not following a final symlink); ENODATA if unset. */
export function lremovexattr(path: string, attr: string): Promise<void> {
  return native().lremovexattrAsync(checkPath('path', path), name(attr));
}

/** lremovexattr(2) on the calling thread. */
export function lremovexattrSync(path: string, attr: string): void {
  native().lremovexattr(checkPath('path', path), name(attr));
}

/** fsetxattr(2) on an open fd (not usable on O_PATH fds; the kernel answers EBADF). */
export function fsetxattrSync(fd: number, attr: string, value: Uint8Array, flags = 0): void {
  native().fsetxattr(checkFd('fd', fd), name(attr), checkBytes('value', value), checkFlags('flags', flags));
}

/** fgetxattr(2); null when unset. */
export function fgetxattrSync(fd: number, attr: string): Buffer | null {
  return native().fgetxattr(checkFd('fd', fd), name(attr));
}

/** flistxattr(2). */
export function flistxattrSync(fd: number): string[] {
  return native().flistxattr(checkFd('fd', fd));
}

/** fremovexattr(2). */
export function fremovexattrSync(fd: number, attr: string): void {
  native().fremovexattr(checkFd('fd', fd), name(attr));
}
