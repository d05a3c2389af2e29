// Path resolution inside a root "as if chrooted" (rule 2) by file descriptor. Every
// kernel operation goes through an O_PATH directory fd opened with openat2
// RESOLVE_IN_ROOT, so no string ever reaches the kernel that could climb out of the
// root; the component walk only decides *which* in-root path an entry means (clamping
// `..`, following symlinks with their text read inside the root, creating implied
// directories and replacing non-directory parents, rule 3).
import { closeSync } from 'node:fs';
import { InvalidLayerError } from './errors.js';
import {
  AT,
  fchmodatSync,
  fchownatSync,
  fstatatSync,
  lgetxattrSync,
  mkdiratSync,
  O,
  openat2Sync,
  RESOLVE,
  readlinkatSync,
  S,
  unlinkatSync,
} from './sys.js';

const MAX_LINKS = 255;
const MAX_CACHED = 512;
const DIR_FLAGS = O.PATH | O.DIRECTORY | O.CLOEXEC;

export interface ResolvedDir {
  /** O_PATH fd of the directory; owned by the resolver (valid until the next invalidate()). */
  readonly fd: number;
  /** The directory's symlink-free path inside the root. */
  readonly canon: readonly string[];
}

export interface ResolveHooks {
  /** A missing component was created as a directory (mode 0755). */
  implied(canon: readonly string[], parentFd: number, name: string): void;
  /** A non-directory component is about to be replaced by a directory (rule 3). */
  replacing(canon: readonly string[], parentFd: number, name: string): void;
}

export type Kind = 'dir' | 'symlink' | 'other';

/** lstat-like type of `name` in `dirFd`, or null when it does not exist. */
export function kindAt(dirFd: number, name: string): Kind | null {
  try {
    const st = fstatatSync(dirFd, name, AT.SYMLINK_NOFOLLOW);
    const fmt = Number(st.mode) & S.IFMT;
    return fmt === S.IFDIR ? 'dir' : fmt === S.IFLNK ? 'symlink' : 'other';
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return null;
    throw e;
  }
}

/** Lexically cleans link text, keeping leading `..` (they are resolved against the link's directory). */
export function cleanLinkText(target: string): string[] {
  const out: string[] = [];
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(c);
  }
  return out;
}

function isOpaque(dirFd: number): boolean {
  for (const name of ['trusted.overlay.opaque', 'user.overlay.opaque']) {
    try {
      if (lgetxattrSync(`/proc/self/fd/${dirFd}/.`, name)?.toString() === 'y') return true;
    } catch {}
  }
  return false;
}

export class RootResolver {
  readonly rootFd: number;
  #byCanon = new Map<string, number>();
  #byPath = new Map<string, ResolvedDir>();

  /** Overlay mode: O_PATH fds of the lower layers, top first, consulted for what the upperdir lacks (X6). */
  readonly #lowers: readonly number[];

  /** The lower layers' root fds, top first. */
  get lowerFds(): readonly number[] {
    return this.#lowers;
  }

  constructor(rootFd: number, lowerFds: readonly number[] = []) {
    this.rootFd = rootFd;
    this.#lowers = lowerFds;
  }

  /** Opens (or reuses) the fd of a symlink-free in-root directory path. */
  open(canon: readonly string[]): number {
    if (canon.length === 0) return this.rootFd;
    const key = canon.join('/');
    let fd = this.#byCanon.get(key);
    if (fd === undefined) {
      if (this.#byCanon.size >= MAX_CACHED) this.invalidate();
      fd = openat2Sync(this.rootFd, key, DIR_FLAGS, 0, RESOLVE.IN_ROOT | RESOLVE.NO_MAGICLINKS | RESOLVE.NO_SYMLINKS);
      this.#byCanon.set(key, fd);
    }
    return fd;
  }

  /**
   * Resolves a cleaned directory path. With `hooks` missing components are created and
   * non-directories replaced; without, a path that does not resolve to a directory is null.
   */
  resolveDir(path: readonly string[], hooks?: ResolveHooks): ResolvedDir | null {
    const key = path.join('/');
    const hit = this.#byPath.get(key);
    if (hit) return hit;
    let r: ResolvedDir | null;
    try {
      // Fast path: every component exists and is a real directory.
      r = { fd: this.open(path), canon: path };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'ENOENT' && code !== 'ELOOP' && code !== 'ENOTDIR' && code !== 'EXDEV') throw e;
      r = this.#walk(path, hooks);
    }
    if (r) this.#byPath.set(key, r);
    return r;
  }

  #walk(path: readonly string[], hooks?: ResolveHooks): ResolvedDir | null {
    let canon: string[] = [];
    let fd = this.rootFd;
    const queue = [...path];
    let links = 0;
    while (queue.length > 0) {
      const c = queue.shift()!;
      if (c === '' || c === '.') continue;
      if (c === '..') {
        canon.pop();
        fd = this.open(canon);
        continue;
      }
      const kind = kindAt(fd, c);
      if (kind === 'symlink') {
        if (++links > MAX_LINKS)
          throw new InvalidLayerError(`more than ${MAX_LINKS} symlinks while resolving`, path.join('/'));
        const target = readlinkatSync(fd, c);
        if (target.startsWith('/')) canon = [];
        // The link text is cleaned lexically first, as containerd's RootPath does, so
        // `missing/../x` works; leading `..` then climb from the link's directory.
        queue.unshift(...cleanLinkText(target));
        fd = this.open(canon);
        continue;
      }
      const next = [...canon, c];
      const lower = kind === null ? this.#lowerLookup(canon, c) : null;
      if (lower?.kind === 'symlink') {
        // A symlink only a lower layer has (lib -> usr/lib) is followed, never shadowed by a new directory.
        if (++links > MAX_LINKS)
          throw new InvalidLayerError(`more than ${MAX_LINKS} symlinks while resolving`, path.join('/'));
        if (lower.target.startsWith('/')) canon = [];
        queue.unshift(...cleanLinkText(lower.target));
        fd = this.open(canon);
        continue;
      }
      if (kind === null) {
        if (!hooks) return null;
        mkdiratSync(fd, c, 0o755);
        if (lower?.kind === 'dir') {
          // Copied up from the nearest lower layer that has it, as overlayfs itself would (containerd WithParents).
          fchmodatSync(fd, c, lower.mode, 0);
          fchownatSync(fd, c, lower.uid, lower.gid, AT.SYMLINK_NOFOLLOW);
        } else fchmodatSync(fd, c, 0o755, 0); // implied directories are 0755 whatever the umask (E3)
        hooks.implied(next, fd, c);
      } else if (kind === 'other') {
        if (!hooks) return null;
        hooks.replacing(next, fd, c);
        unlinkatSync(fd, c, 0);
        mkdiratSync(fd, c, 0o755);
        fchmodatSync(fd, c, 0o755, 0);
        hooks.implied(next, fd, c);
      }
      canon = next;
      fd = this.open(canon);
    }
    return { fd, canon };
  }

  /**
   * What the merged view below the upperdir has at `canon/c`: searched top-down,
   * stopping at a 0/0 whiteout device or an opaque directory.
   */
  #lowerLookup(
    canon: readonly string[],
    c: string,
  ): { kind: 'symlink'; target: string } | { kind: 'dir'; mode: number; uid: number; gid: number } | null {
    if (this.#lowers.length === 0 || isOpaque(this.open(canon))) return null;
    const key = canon.length === 0 ? '.' : canon.join('/');
    for (const lfd of this.#lowers) {
      let dfd: number;
      try {
        dfd = openat2Sync(lfd, key, DIR_FLAGS, 0, RESOLVE.IN_ROOT | RESOLVE.NO_MAGICLINKS | RESOLVE.NO_SYMLINKS);
      } catch {
        continue;
      }
      try {
        let st: ReturnType<typeof fstatatSync> | null = null;
        try {
          st = fstatatSync(dfd, c, AT.SYMLINK_NOFOLLOW);
        } catch {}
        if (st) {
          const fmt = Number(st.mode) & S.IFMT;
          if (fmt === S.IFLNK) return { kind: 'symlink', target: readlinkatSync(dfd, c) };
          if (fmt === S.IFDIR)
            return { kind: 'dir', mode: Number(st.mode) & 0o7777, uid: Number(st.uid), gid: Number(st.gid) };
          return null; // a file, or a 0/0 whiteout hiding everything below
        }
        if (isOpaque(dfd)) return null;
      } finally {
        closeSync(dfd);
      }
    }
    return null;
  }

  /** Forgets every cached fd: call after removing or replacing a directory or a symlink. */
  invalidate(): void {
    for (const fd of this.#byCanon.values()) closeSync(fd);
    this.#byCanon.clear();
    this.#byPath.clear();
  }

  close(): void {
    this.invalidate();
  }
}
