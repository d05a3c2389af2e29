// Kernel constants, written out so that importing needs no addon. Values are the Linux
// UAPI ones for x86-64 and arm64 (the four O_* flags that differ on arm64 are chosen by
// process.arch); test/constants.system.test.ts checks every value against the headers
// the addon was compiled with.
const arm = process.arch === 'arm64' || process.arch === 'arm';

const O_DIRECTORY = arm ? 0o40000 : 0o200000;

/** open(2) flags (arch-specific values where Linux differs). */
export const O = Object.freeze({
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  CREAT: 0o100,
  EXCL: 0o200,
  TRUNC: 0o1000,
  APPEND: 0o2000,
  NONBLOCK: 0o4000,
  DIRECTORY: O_DIRECTORY,
  NOFOLLOW: arm ? 0o100000 : 0o400000,
  CLOEXEC: 0o2000000,
  PATH: 0o10000000,
  DIRECT: arm ? 0o200000 : 0o40000,
  NOATIME: 0o1000000,
  TMPFILE: 0o20000000 | O_DIRECTORY,
});

/** openat2(2) `resolve` flags. */
export const RESOLVE = Object.freeze({
  NO_XDEV: 0x01,
  NO_MAGICLINKS: 0x02,
  NO_SYMLINKS: 0x04,
  BENEATH: 0x08,
  IN_ROOT: 0x10,
  CACHED: 0x20,
});

/** *at(2) flags; FDCWD resolves relative paths against the working directory. */
export const AT = Object.freeze({
  FDCWD: -100,
  SYMLINK_NOFOLLOW: 0x100,
  REMOVEDIR: 0x200,
  SYMLINK_FOLLOW: 0x400,
  EMPTY_PATH: 0x1000,
});

/** File type bits of `mode`. */
export const S = Object.freeze({
  IFMT: 0o170000,
  IFSOCK: 0o140000,
  IFLNK: 0o120000,
  IFREG: 0o100000,
  IFBLK: 0o60000,
  IFDIR: 0o40000,
  IFCHR: 0o20000,
  IFIFO: 0o10000,
});

/** mount(2) flags. */
export const MS = Object.freeze({
  RDONLY: 1,
  NOSUID: 2,
  NODEV: 4,
  NOEXEC: 8,
  SYNCHRONOUS: 16,
  REMOUNT: 32,
  MANDLOCK: 64,
  DIRSYNC: 128,
  NOATIME: 1024,
  NODIRATIME: 2048,
  BIND: 4096,
  MOVE: 8192,
  REC: 16384,
  SILENT: 32768,
  UNBINDABLE: 1 << 17,
  PRIVATE: 1 << 18,
  SLAVE: 1 << 19,
  SHARED: 1 << 20,
  RELATIME: 1 << 21,
  STRICTATIME: 1 << 24,
  LAZYTIME: 1 << 25,
});

/** umount2(2) flags (`NOFOLLOW` is UMOUNT_NOFOLLOW). */
export const MNT = Object.freeze({ FORCE: 1, DETACH: 2, EXPIRE: 4, NOFOLLOW: 8 });

/** renameat2(2) flags. */
export const RENAME = Object.freeze({ NOREPLACE: 1, EXCHANGE: 2, WHITEOUT: 4 });

/** setxattr(2) flags. */
export const XATTR = Object.freeze({ CREATE: 1, REPLACE: 2 });

/** Namespace kinds for unshare/setns. */
export const CLONE = Object.freeze({
  NEWNS: 0x00020000,
  NEWCGROUP: 0x02000000,
  NEWUTS: 0x04000000,
  NEWIPC: 0x08000000,
  NEWUSER: 0x10000000,
  NEWPID: 0x20000000,
  NEWNET: 0x40000000,
  NEWTIME: 0x00000080,
});

/** Netlink protocol families for openNetlinkSocket. */
export const NETLINK = Object.freeze({ ROUTE: 0, SOCK_DIAG: 4, NETFILTER: 12, KOBJECT_UEVENT: 15, GENERIC: 16 });
