// The syscalls the snapshot store takes from @ctrkit/sys, in one place.
export {
  AT,
  lgetxattrSync,
  llistxattrSync,
  lsetxattrSync,
  MNT,
  MS,
  mknodSync,
  mountSync,
  syncfs,
  umountSync,
  utimensatSync,
} from '@ctrkit/sys';
