// C11, opt-in: a hardlink whose target only a lower layer has, applied into an upperdir.
// The target is copied up first (content, owner, mode, xattrs, times, as overlayfs'
// own copy-up would), then linked. Lower layers are searched top-down through the
// same rules as the merged view: a 0/0 whiteout device or an opaque directory on the
// way hides everything below it.
import { closeSync, copyFileSync, fchmodSync, fchownSync, constants as fsc } from 'node:fs';
import { LayerPathEscapeError } from './errors.js';
import {
  AT,
  fstatatSync,
  lgetxattrSync,
  llistxattrSync,
  lsetxattrSync,
  O,
  openat2Sync,
  openatSync,
  RESOLVE,
  S,
  utimensatSync,
} from './sys.js';
import { isExcludedXattr } from './xattr-policy.js';

const DIR = O.PATH | O.DIRECTORY | O.CLOEXEC;
const IN_LOWER = RESOLVE.IN_ROOT | RESOLVE.NO_MAGICLINKS | RESOLVE.NO_SYMLINKS;
const OPAQUE = ['trusted.overlay.opaque', 'user.overlay.opaque'];

/**
 * The directory fd (in the lower layer that shows it) holding `path` as a regular file,
 * or null when the merged view has no regular file there: walked component by
 * component in each layer, top first, so a whiteout device on the way, or an opaque
 * directory above a missing component, hides what lower layers have.
 */
function findInLowers(lowerFds: readonly number[], path: readonly string[]): number | null {
  for (const lfd of lowerFds) {
    let dfd = openat2Sync(lfd, '.', DIR, 0, IN_LOWER);
    let hidesBelow = isOpaque(dfd);
    let i = 0;
    for (; i < path.length; i++) {
      const c = path[i]!;
      let st: ReturnType<typeof fstatatSync> | null = null;
      try {
        st = fstatatSync(dfd, c, AT.SYMLINK_NOFOLLOW);
      } catch {}
      const fmt = st ? Number(st.mode) & S.IFMT : 0;
      const last = i === path.length - 1;
      if (st && last && fmt === S.IFREG) return dfd;
      if (!st) break; // not in this layer; an opaque directory above it hides the layers below
      if (fmt !== S.IFDIR || last) {
        closeSync(dfd);
        return null; // a whiteout device or any other non-directory hides the rest
      }
      const next = openat2Sync(dfd, c, DIR, 0, IN_LOWER);
      closeSync(dfd);
      dfd = next;
      hidesBelow ||= isOpaque(dfd);
    }
    closeSync(dfd);
    if (hidesBelow) return null;
  }
  return null;
}

function isOpaque(dirFd: number): boolean {
  return OPAQUE.some((x) => lgetxattrSync(`/proc/self/fd/${dirFd}/.`, x)?.toString() === 'y');
}

/**
 * Copies the lower layers' regular file at `path` into `upperParentFd` as `name`.
 * @throws ERR_LAYER_PATH_ESCAPE when no lower layer shows a regular file there.
 */
export function copyUp(
  lowerFds: readonly number[],
  path: readonly string[],
  upperParentFd: number,
  entry: string,
  rootless: boolean,
): void {
  const name = path[path.length - 1]!;
  const dfd = findInLowers(lowerFds, path);
  if (dfd === null) {
    throw new LayerPathEscapeError(
      entry,
      `hardlink target ${JSON.stringify(path.join('/'))} is not a regular file in the root or its lower layers`,
    );
  }
  const src = `/proc/self/fd/${dfd}/${name}`;
  const dst = `/proc/self/fd/${upperParentFd}/${name}`;
  try {
    // EXCL: the upper name was just found empty; never write through anything put there since.
    copyFileSync(src, dst, fsc.COPYFILE_EXCL);
    const lst = fstatatSync(dfd, name, AT.SYMLINK_NOFOLLOW);
    const fd = openatSync(upperParentFd, name, O.WRONLY | O.NOFOLLOW | O.CLOEXEC);
    try {
      if (!rootless) fchownSync(fd, Number(lst.uid), Number(lst.gid));
      for (const k of llistxattrSync(src)) {
        if (isExcludedXattr(k) || (rootless && k.startsWith('trusted.'))) continue;
        const v = lgetxattrSync(src, k);
        if (v) lsetxattrSync(dst, k, v);
      }
      fchmodSync(fd, Number(lst.mode) & 0o7777);
    } finally {
      closeSync(fd);
    }
    const t = (ns: bigint) => ({ sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) });
    utimensatSync(upperParentFd, name, t(lst.atimeNs), t(lst.mtimeNs), AT.SYMLINK_NOFOLLOW);
  } finally {
    closeSync(dfd);
  }
}
