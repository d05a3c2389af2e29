// Filesystem calls relative to a directory fd. With openat2's RESOLVE_IN_ROOT the kernel
// itself keeps `..` and absolute symlinks inside the root: how layer apply stays contained.
import { type NativeStat, native } from './binding.js';
import { AT, O } from './constants.js';
import { checkDirFd, checkFd, checkFlags, checkInt, checkMode, checkPath, typeError } from './validate.js';

/** Seconds + nanoseconds, or nanoseconds since the epoch as a bigint. */
export type Timespec = { sec: number; nsec: number } | bigint;

/** fstatat result: every field a bigint, times in nanoseconds. */
export type Stat = NativeStat;

/** Opens `dir` as an O_PATH|O_DIRECTORY fd to resolve other paths against. */
export function openRoot(dir: string): number {
  checkPath('dir', dir);
  return native().openat(AT.FDCWD, dir, O.PATH | O.DIRECTORY, 0);
}

/** openat2(2): `resolve` is a mask of RESOLVE.* flags. The fd has O_CLOEXEC. */
export function openat2Sync(dirfd: number, path: string, flags: number, mode: number, resolve: number): number {
  return native().openat2(
    checkDirFd('dirfd', dirfd),
    checkPath('path', path),
    checkFlags('flags', flags),
    checkMode('mode', mode),
    checkFlags('resolve', resolve),
  );
}

/** openat2(2) on the libuv thread pool. */
export function openat2(dirfd: number, path: string, flags: number, mode: number, resolve: number): Promise<number> {
  return native().openat2Async(
    checkDirFd('dirfd', dirfd),
    checkPath('path', path),
    checkFlags('flags', flags),
    checkMode('mode', mode),
    checkFlags('resolve', resolve),
  );
}

/** openat(2) without resolve restrictions (O_CLOEXEC added). */
export function openatSync(dirfd: number, path: string, flags: number, mode = 0): number {
  return native().openat(
    checkDirFd('dirfd', dirfd),
    checkPath('path', path),
    checkFlags('flags', flags),
    checkMode('mode', mode),
  );
}

/** mkdirat(2). */
export function mkdiratSync(dirfd: number, path: string, mode: number): void {
  native().mkdirat(checkDirFd('dirfd', dirfd), checkPath('path', path), checkMode('mode', mode));
}

/** mknodat(2): `mode` includes the type (S.IFCHR, S.IFBLK, S.IFIFO, ...); `dev` from makedev(). */
export function mknodatSync(dirfd: number, path: string, mode: number, dev: number): void {
  native().mknodat(
    checkDirFd('dirfd', dirfd),
    checkPath('path', path),
    checkMode('mode', mode),
    checkInt('dev', dev, 0, Number.MAX_SAFE_INTEGER),
  );
}

/** symlinkat(2): creates `path` (relative to dirfd) pointing at `target`. */
export function symlinkatSync(target: string, dirfd: number, path: string): void {
  native().symlinkat(checkPath('target', target), checkDirFd('dirfd', dirfd), checkPath('path', path));
}

/** linkat(2); AT.EMPTY_PATH with an empty oldpath links the file behind olddirfd. */
export function linkatSync(olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags: number): void {
  const emptyOk = (flags & AT.EMPTY_PATH) !== 0;
  native().linkat(
    checkDirFd('olddirfd', olddirfd),
    checkPath('oldpath', oldpath, emptyOk),
    checkDirFd('newdirfd', newdirfd),
    checkPath('newpath', newpath),
    checkFlags('flags', flags),
  );
}

/** unlinkat(2); pass AT.REMOVEDIR to remove an empty directory. */
export function unlinkatSync(dirfd: number, path: string, flags: number): void {
  native().unlinkat(checkDirFd('dirfd', dirfd), checkPath('path', path), checkFlags('flags', flags));
}

/** renameat2(2) with RENAME.NOREPLACE / EXCHANGE / WHITEOUT. */
export function renameat2Sync(
  olddirfd: number,
  oldpath: string,
  newdirfd: number,
  newpath: string,
  flags: number,
): void {
  native().renameat2(
    checkDirFd('olddirfd', olddirfd),
    checkPath('oldpath', oldpath),
    checkDirFd('newdirfd', newdirfd),
    checkPath('newpath', newpath),
    checkFlags('flags', flags),
  );
}

/** fchownat(2); -1 keeps the id; AT.SYMLINK_NOFOLLOW changes a link itself. */
export function fchownatSync(dirfd: number, path: string, uid: number, gid: number, flags: number): void {
  const emptyOk = (flags & AT.EMPTY_PATH) !== 0;
  native().fchownat(
    checkDirFd('dirfd', dirfd),
    checkPath('path', path, emptyOk),
    checkInt('uid', uid, -1, 0xffffffff),
    checkInt('gid', gid, -1, 0xffffffff),
    checkFlags('flags', flags),
  );
}

/** fchmodat(2). The kernel cannot chmod a symlink itself, so AT_SYMLINK_NOFOLLOW on one fails. */
export function fchmodatSync(dirfd: number, path: string, mode: number, flags: number): void {
  native().fchmodat(
    checkDirFd('dirfd', dirfd),
    checkPath('path', path),
    checkMode('mode', mode),
    checkFlags('flags', flags),
  );
}

function splitTime(name: string, t: Timespec): [number, number] {
  if (typeof t === 'bigint') {
    const sec = t / 1_000_000_000n;
    let nsec = t % 1_000_000_000n;
    if (nsec < 0n) nsec += 1_000_000_000n;
    return [Number(t < 0n && nsec !== 0n ? sec - 1n : sec), Number(nsec)];
  }
  if (typeof t !== 'object' || t === null) throw typeError(name, 'a bigint or { sec, nsec }', t);
  return [checkInt(`${name}.sec`, t.sec, -(2 ** 53), 2 ** 53), checkInt(`${name}.nsec`, t.nsec, 0, 999_999_999)];
}

/** utimensat(2). An empty `path` with AT.EMPTY_PATH acts on `dirfd` itself. */
export function utimensatSync(dirfd: number, path: string, atime: Timespec, mtime: Timespec, flags: number): void {
  const [as, ans] = splitTime('atime', atime);
  const [ms, mns] = splitTime('mtime', mtime);
  const emptyOk = (flags & AT.EMPTY_PATH) !== 0;
  native().utimensat(
    checkDirFd('dirfd', dirfd),
    checkPath('path', path, emptyOk),
    as,
    ans,
    ms,
    mns,
    checkFlags('flags', flags & ~AT.EMPTY_PATH),
  );
}

/** readlinkat(2); an empty path reads the link an O_PATH dirfd refers to. */
export function readlinkatSync(dirfd: number, path: string): string {
  return native().readlinkat(checkDirFd('dirfd', dirfd), checkPath('path', path, true));
}

// One array reused by every call (sync, single-threaded): the addon fills it in place.
const statValues = new BigInt64Array(11);

/** fstatat(2); AT.SYMLINK_NOFOLLOW stats a link itself, AT.EMPTY_PATH with '' stats dirfd. */
export function fstatatSync(dirfd: number, path: string, flags: number): Stat {
  const emptyOk = (flags & AT.EMPTY_PATH) !== 0;
  const v = statValues;
  native().fstatatInto(checkDirFd('dirfd', dirfd), checkPath('path', path, emptyOk), checkFlags('flags', flags), v);
  return {
    dev: v[0]!,
    ino: v[1]!,
    mode: v[2]!,
    nlink: v[3]!,
    uid: v[4]!,
    gid: v[5]!,
    rdev: v[6]!,
    size: v[7]!,
    atimeNs: v[8]!,
    mtimeNs: v[9]!,
    ctimeNs: v[10]!,
  };
}

/** syncfs(2): flushes the whole filesystem `fd` lives on. O_PATH fds (openRoot) give EBADF. */
export function syncfs(fd: number): Promise<void> {
  return native().syncfsAsync(checkFd('fd', fd));
}
