export { AT, CLONE, MNT, MS, NETLINK, O, RENAME, RESOLVE, S, XATTR } from './constants.js';
export { major, makedev, minor, mknod, mknodSync } from './device.js';
export {
  AddonLoadError,
  ClosedError,
  ERROR_CODES,
  isSysError,
  SyscallError,
  SysError,
  UnsupportedError,
} from './errors.js';
export { EFD, type EventFd, eventfd } from './eventfd.js';
export {
  fchmodatSync,
  fchownatSync,
  fstatatSync,
  linkatSync,
  mkdiratSync,
  mknodatSync,
  openat2,
  openat2Sync,
  openatSync,
  openRoot,
  readlinkatSync,
  renameat2Sync,
  type Stat,
  symlinkatSync,
  syncfs,
  type Timespec,
  unlinkatSync,
  utimensatSync,
} from './fs-at.js';
export { mount, mountSync, umount, umountSync } from './mount.js';
export {
  createNamespaceFd,
  createNamespaceFdSync,
  createNetns,
  createNetnsFdSync,
  currentNamespace,
  deleteNetns,
  type NamespaceKind,
  NETNS_RUN_DIR,
  openInNamespace,
} from './namespace.js';
export { type NetlinkSocket, type NetlinkSocketOptions, openNetlinkSocket, openNetlinkSocketSync } from './netlink.js';
export type { NsRef } from './ns-ref.js';
export { type PidFd, pidfdOpen } from './pidfd.js';
export {
  alignedBuffer,
  getWinsize,
  prctlGetChildSubreaper,
  prctlGetName,
  prctlSetChildSubreaper,
  prctlSetName,
  setWinsize,
} from './process.js';
export { recvFd, sendFd, unixAccept, unixConnect, unixListen } from './unix.js';
export {
  fgetxattrSync,
  flistxattrSync,
  fremovexattrSync,
  fsetxattrSync,
  lgetxattr,
  lgetxattrSync,
  llistxattr,
  llistxattrSync,
  lremovexattr,
  lremovexattrSync,
  lsetxattr,
  lsetxattrSync,
} from './xattr.js';
