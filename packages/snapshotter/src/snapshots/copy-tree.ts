// A faithful copy of a directory tree for the native driver: types, modes, owners,
// nanosecond times, xattrs, device numbers, symlink targets and hardlink groups.
// Regular files are cloned (reflink) where the filesystem can, else copied in the kernel
// (libuv's copyfile falls back to copy_file_range), so no bytes pass through JS.
import { chmodSync, constants, lchownSync } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AT, lgetxattrSync, llistxattrSync, lsetxattrSync, mknodSync, utimensatSync } from './sys.js';

/** Copies the contents of `src` into the existing directory `dst`, and `src`'s own metadata onto `dst`. */
export async function copyTree(src: string, dst: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const links = new Map<bigint, string>();
  await copyDirContents(src, dst, links, opts.signal);
  const st = await lstat(src, { bigint: true });
  applyMetadata(src, dst, st);
}

async function copyDirContents(
  src: string,
  dst: string,
  links: Map<bigint, string>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const names = (await readdir(src)).sort();
  for (const name of names) {
    signal?.throwIfAborted();
    const s = join(src, name);
    const d = join(dst, name);
    const st = await lstat(s, { bigint: true });
    const type = Number(st.mode) & constants.S_IFMT;
    if (type !== constants.S_IFDIR && st.nlink > 1n) {
      const first = links.get(st.ino);
      if (first !== undefined) {
        await link(first, d);
        continue;
      }
      links.set(st.ino, d);
    }
    switch (type) {
      case constants.S_IFDIR:
        await mkdir(d, { mode: 0o700 });
        await copyDirContents(s, d, links, signal);
        break;
      case constants.S_IFREG:
        await copyFile(s, d, constants.COPYFILE_FICLONE);
        break;
      case constants.S_IFLNK:
        await symlink(await readlink(s), d);
        break;
      case constants.S_IFCHR:
      case constants.S_IFBLK:
      case constants.S_IFIFO:
        mknodSync(d, Number(st.mode), Number(st.rdev));
        break;
      default:
        continue; // sockets belong to a running process, not to a layer
    }
    applyMetadata(s, d, st);
  }
}

type BigStats = Awaited<ReturnType<typeof lstat>> & { atimeNs: bigint; mtimeNs: bigint; mode: bigint };

/** chown, then xattrs, then chmod (chown clears set-id bits), then times — never following links. */
function applyMetadata(src: string, dst: string, st: BigStats): void {
  const mode = Number(st.mode);
  const isLink = (mode & constants.S_IFMT) === constants.S_IFLNK;
  lchownSync(dst, Number(st.uid), Number(st.gid));
  for (const name of llistxattrSync(src)) {
    const value = lgetxattrSync(src, name);
    if (value === null) continue;
    try {
      lsetxattrSync(dst, name, value);
    } catch (err) {
      // The kernel refuses user.* xattrs on symlinks and devices; they cannot exist on the source either.
      if (!((err as NodeJS.ErrnoException).code === 'EPERM' && name.startsWith('user.'))) throw err;
    }
  }
  if (!isLink) chmodSync(dst, mode & 0o7777);
  utimensatSync(AT.FDCWD, dst, st.atimeNs, st.mtimeNs, AT.SYMLINK_NOFOLLOW);
}
