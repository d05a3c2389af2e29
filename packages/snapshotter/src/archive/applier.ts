// The Linux side of layer apply: one LayerApplier per layer, fed by the tar parser.
// Per entry: resolve the parent inside the root (resolver.ts), unlink whatever is in the
// way (never truncate in place), create, then metadata in the order chown, xattrs,
// chmod, times (G4). Directory times are set after the layer, when no child can change
// them any more. Whiteouts follow rule 1 and live in whiteouts.ts.
import { closeSync, fchmodSync, fstatSync, writeSync } from 'node:fs';
import { copyUp } from './copy-up.js';
import { ownAndXattrs, readUmask } from './entry-metadata.js';
import { InvalidLayerError, LayerIoError, LayerPathEscapeError } from './errors.js';
import { classifyEntry, type LayerEvent, pathKey } from './layer-events.js';
import { removeTree } from './remove-tree.js';
import { kindAt, type ResolvedDir, type ResolveHooks, RootResolver } from './resolver.js';
import {
  AT,
  fchmodatSync,
  flistxattrSync,
  fremovexattrSync,
  linkatSync,
  lsetxattrSync,
  makedev,
  mkdiratSync,
  mknodatSync,
  O,
  openatSync,
  S,
  symlinkatSync,
  unlinkatSync,
  utimensatSync,
} from './sys.js';
import type { TarHeader, Timestamp } from './tar-header.js';
import type { TarHandler } from './tar-parser.js';
import { applyOpaque, applyWhiteout } from './whiteouts.js';
import { isExcludedXattr } from './xattr-policy.js';

export interface ApplierOptions {
  readonly whiteouts: 'oci' | 'overlay';
  /** O_PATH fds of the lower layers (top first) in overlay mode. */
  readonly lowerFds: readonly number[];
  readonly rootless: boolean;
  readonly realRoot: boolean;
  /** C11: what to do with a hardlink whose target only a lower layer has. */
  readonly hardlinkToLower: 'error' | 'materialize';
  readonly warn: (message: string) => void;
}

const U32 = 2 ** 32;
export class LayerApplier implements TarHandler {
  readonly resolver: RootResolver;
  readonly opts: ApplierOptions;
  /** Canonical paths this layer wrote (rule 1). */
  readonly written = new Set<string>();
  /** Every ancestor of a written path. */
  readonly ancestors = new Set<string>();
  /** Overlay mode: 0/0 whiteout devices and opaque directories created by this layer. */
  readonly whiteoutDevices = new Set<string>();
  readonly opaqueDirs = new Set<string>();
  #dirTimes = new Map<string, Timestamp>();
  #file: { fd: number; parentFd: number; name: string; header: TarHeader; canon: string } | undefined;
  #warned = new Set<string>();
  readonly #umask = readUmask();

  constructor(rootFd: number, opts: ApplierOptions) {
    this.resolver = new RootResolver(rootFd, opts.lowerFds);
    this.opts = opts;
  }

  onEntry(header: TarHeader): void {
    try {
      this.#event(classifyEntry(header));
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      // A system error (ENOTDIR, ENAMETOOLONG, EEXIST on a hostile layout...) becomes typed, naming the entry.
      if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code))
        throw new LayerIoError(header.name, 'applying entry', e);
      throw e;
    }
  }

  onData(chunk: Uint8Array): void {
    const f = this.#file;
    if (!f) return;
    let off = 0;
    while (off < chunk.length) off += writeSync(f.fd, chunk, off, chunk.length - off);
  }

  onEntryEnd(header: TarHeader): void {
    const f = this.#file;
    if (!f) return;
    this.#file = undefined;
    try {
      this.#ownAndXattrs(header, f.parentFd, f.name, f.fd);
      // The create mode already holds the bits unless the umask removed some or special bits are set.
      if ((header.mode & 0o7000) !== 0 || (header.mode & this.#umask) !== 0) fchmodSync(f.fd, header.mode);
      this.#times(f.parentFd, f.name, header.mtime);
    } finally {
      closeSync(f.fd);
    }
  }

  /** Called when the apply fails: a half-written file is removed, never left behind. */
  abort(): void {
    const f = this.#file;
    this.#file = undefined;
    if (!f) return;
    closeSync(f.fd);
    try {
      unlinkatSync(f.parentFd, f.name, 0);
    } catch {}
  }

  /** Sets the deferred directory times; call once, after the last entry. */
  finish(): void {
    // Pre-existing directories this layer added to without listing them get their times back (umoci does the same).
    for (const [key, t] of this.#kept) if (!this.#dirTimes.has(key)) this.#dirTimes.set(key, t);
    for (const [key, t] of this.#dirTimes) {
      const path = key === '' ? [] : key.split('/');
      const parent = this.resolver.resolveDir(path.slice(0, -1));
      if (!parent) continue;
      try {
        if (path.length === 0) utimensatSync(this.resolver.rootFd, '.', t, t, 0);
        else this.#times(parent.fd, path[path.length - 1]!, t);
      } catch {}
    }
    this.resolver.close();
  }

  #kept = new Map<string, { sec: number; nsec: number }>();
  /** Remembers the times of a pre-existing directory before this layer first changes it. */
  #keepTimes(dir: ResolvedDir): void {
    const key = dir.canon.join('/');
    if (this.#kept.has(key) || this.#dirTimes.has(key) || this.written.has(key)) return;
    const st = fstatSync(dir.fd, { bigint: true });
    this.#kept.set(key, { sec: Number(st.mtimeNs / 1_000_000_000n), nsec: Number(st.mtimeNs % 1_000_000_000n) });
  }

  markWritten(canon: string): void {
    this.written.add(canon);
    let i = canon.lastIndexOf('/');
    while (i > 0) {
      const a = canon.slice(0, i);
      if (this.ancestors.has(a)) break;
      this.ancestors.add(a);
      i = a.lastIndexOf('/');
    }
    this.ancestors.add('');
  }

  warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.opts.warn(message);
  }

  readonly hooks: ResolveHooks = {
    implied: (canon) => this.markWritten(canon.join('/')),
    replacing: (canon, parentFd, name) => {
      // Rule 3 in overlay mode: a same-layer whiteout device replaced by a directory keeps lower children hidden.
      const key = canon.join('/');
      if (this.whiteoutDevices.delete(key)) this.#pendingOpaque.add(key);
      void parentFd;
      void name;
    },
  };
  #pendingOpaque = new Set<string>();

  parentOf(path: readonly string[], entry: string): ResolvedDir {
    const parent = this.resolver.resolveDir(path.slice(0, -1), this.hooks);
    if (!parent) throw new LayerIoError(entry, 'resolving the parent of', new Error('parent did not resolve'));
    for (const key of this.#pendingOpaque) this.setOpaque(key);
    this.#pendingOpaque.clear();
    return parent;
  }

  /** Overlay mode: marks an in-root directory opaque. */
  setOpaque(key: string): void {
    const path = key === '' ? [] : key.split('/');
    const name = this.opts.rootless ? 'user.overlay.opaque' : 'trusted.overlay.opaque';
    const parent = this.resolver.resolveDir(path.slice(0, -1));
    if (!parent) return;
    const target =
      path.length === 0
        ? `/proc/self/fd/${this.resolver.rootFd}/.`
        : `/proc/self/fd/${parent.fd}/${path[path.length - 1]}`;
    lsetxattrSync(target, name, Buffer.from('y'));
    this.opaqueDirs.add(key);
  }

  #event(ev: LayerEvent): void {
    if (ev.kind === 'ignored') return;
    if (ev.kind === 'whiteout') {
      applyWhiteout(this, ev.parent, ev.name, ev.header.name);
      return;
    }
    if (ev.kind === 'opaque') {
      applyOpaque(this, ev.dir, ev.header.name);
      return;
    }
    const h = ev.header;
    if (ev.path.length === 0) {
      // A5: a symlink whose name is empty or climbs to the root is an artefact of
      // clamping, not a claim about the root: skipped, as containerd does. An explicit
      // `.` of any other type is the CVE-2021-29136 shape and refused (A4, A2).
      if (h.type === 'symlink' && !namesRootExplicitly(h.name)) {
        this.warnOnce('root-symlink', `ignoring symlink ${JSON.stringify(h.name)}: its name resolves to the root`);
        return;
      }
      if (h.type !== 'dir')
        throw new LayerPathEscapeError(h.name, `a ${h.type} entry cannot replace the root of the layer`);
      const fd = openatSync(this.resolver.rootFd, '.', O.RDONLY | O.DIRECTORY | O.CLOEXEC);
      try {
        this.#ownAndXattrs(h, -1, '', fd);
        fchmodSync(fd, h.mode);
      } finally {
        closeSync(fd);
      }
      this.#dirTimes.set('', h.mtime);
      return;
    }
    if ((h.type === 'char' || h.type === 'block' || h.type === 'fifo') && !devOk(h)) {
      throw new InvalidLayerError(`device number ${h.devmajor}:${h.devminor} is out of range 0..2^32-1`, h.name);
    }
    // Validate a hardlink's target before anything in the way is removed.
    if (h.type === 'hardlink') this.#linkTarget(h);
    const parent = this.parentOf(ev.path, h.name);
    this.#keepTimes(parent);
    const name = ev.path[ev.path.length - 1]!;
    const key = pathKey([...parent.canon, name]);
    if (h.type === 'file' && this.#createFile(h, parent.fd, name, key)) return;
    const existing = this.#nothingAt(parent.canon, key) ? null : kindAt(parent.fd, name);
    const wasWhiteout = this.whiteoutDevices.delete(key);
    if (existing !== null && !(existing === 'dir' && h.type === 'dir')) {
      if (existing === 'dir') removeTree(parent.fd, name);
      else unlinkatSync(parent.fd, name, 0);
      if (existing !== 'other') this.resolver.invalidate();
    }
    const pfd = existing === 'other' || existing === null ? parent.fd : this.resolver.open(parent.canon);
    this.markWritten(key);
    switch (h.type) {
      case 'dir':
        this.#dir(h, pfd, name, key, existing === 'dir', wasWhiteout);
        return;
      case 'file':
        if (!this.#createFile(h, pfd, name, key))
          throw new LayerIoError(h.name, 'creating', new Error('EEXIST after unlink'));
        return;
      case 'symlink':
        symlinkatSync(h.linkname, pfd, name);
        this.#ownAndXattrs(h, pfd, name, -1);
        this.#times(pfd, name, h.mtime);
        return;
      case 'hardlink': {
        const t = this.#linkTarget(h);
        try {
          linkatSync(t.dir.fd, t.name, pfd, name, 0);
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === 'ENOENT')
            throw new LayerPathEscapeError(
              h.name,
              `hardlink target ${JSON.stringify(h.linkname)} does not exist inside the root`,
              { cause: e },
            );
          if (code === 'EPERM')
            throw new LayerPathEscapeError(h.name, `hardlink target ${JSON.stringify(h.linkname)} is a directory`, {
              cause: e,
            });
          throw e;
        }
        return;
      }
      default:
        this.#node(h, pfd, name);
    }
  }

  /** The common case in one syscall: nothing is in the way. False when something is (EEXIST). */
  #createFile(h: TarHeader, pfd: number, name: string, key: string): boolean {
    let fd: number;
    try {
      fd = openatSync(pfd, name, O.WRONLY | O.CREAT | O.EXCL | O.NOFOLLOW | O.CLOEXEC, h.mode & 0o777);
    } catch (e) {
      if ((e as { code?: string }).code === 'EEXIST') return false;
      throw e;
    }
    this.markWritten(key);
    this.#file = { fd, parentFd: pfd, name, header: h, canon: key };
    return true;
  }

  #linkTarget(h: TarHeader): { dir: ResolvedDir; name: string } {
    const path = h.linkname.split('/').filter((c) => c !== '' && c !== '.');
    const clean: string[] = [];
    for (const c of path) c === '..' ? clean.pop() : clean.push(c);
    let dir = clean.length > 0 ? this.resolver.resolveDir(clean.slice(0, -1)) : null;
    const name = clean[clean.length - 1];
    if (this.opts.hardlinkToLower === 'materialize' && name !== undefined && (!dir || kindAt(dir.fd, name) === null)) {
      // C11 opt-in: the target only a lower layer has is copied up, then linked.
      if (this.opts.lowerFds.length > 0) {
        dir = this.parentOf(clean, h.name);
        copyUp(this.opts.lowerFds, clean, dir.fd, h.name, this.opts.rootless);
      }
    }
    if (!dir || name === undefined || kindAt(dir.fd, name) === null) {
      throw new LayerPathEscapeError(
        h.name,
        `hardlink target ${JSON.stringify(h.linkname)} does not exist inside the root`,
      );
    }
    if (kindAt(dir.fd, name) === 'dir')
      throw new LayerPathEscapeError(h.name, `hardlink target ${JSON.stringify(h.linkname)} is a directory`);
    return { dir, name };
  }

  /**
   * Directories this layer created: everything in them was written by this layer, so a
   * name it has not written (nor whited out, in overlay mode) cannot be there, and the
   * fstatat that would say so (ENOENT, an exception per directory entry) is skipped.
   */
  #fresh = new Set<string>();
  #nothingAt(parentCanon: readonly string[], key: string): boolean {
    return this.#fresh.has(parentCanon.join('/')) && !this.written.has(key) && !this.whiteoutDevices.has(key);
  }

  #dir(h: TarHeader, pfd: number, name: string, key: string, existed: boolean, wasWhiteout: boolean): void {
    if (!existed) {
      mkdiratSync(pfd, name, 0o700);
      this.#fresh.add(key);
    }
    const fd = openatSync(pfd, name, O.RDONLY | O.DIRECTORY | O.NOFOLLOW | O.CLOEXEC);
    try {
      // A directory over a directory takes the entry's metadata, xattrs included (umoci clears them too).
      if (existed) {
        for (const k of flistxattrSync(fd)) if (!isExcludedXattr(k) && !h.xattrs.has(k)) fremovexattrSync(fd, k);
      }
      this.#ownAndXattrs(h, pfd, name, fd);
      fchmodSync(fd, h.mode);
    } finally {
      closeSync(fd);
    }
    if (wasWhiteout && this.opts.whiteouts === 'overlay') this.setOpaque(key);
    this.#dirTimes.set(key, h.mtime);
  }

  #node(h: TarHeader, pfd: number, name: string): void {
    if (h.type !== 'fifo' && this.opts.rootless) {
      this.warnOnce(
        'dev',
        `skipping device entries such as ${JSON.stringify(h.name)}: mknod is not permitted in rootless mode`,
      );
      return;
    }
    const fmt = h.type === 'char' ? S.IFCHR : h.type === 'block' ? S.IFBLK : S.IFIFO;
    mknodatSync(pfd, name, fmt | 0o600, h.type === 'fifo' ? 0 : makedev(h.devmajor, h.devminor));
    this.#ownAndXattrs(h, pfd, name, -1);
    fchmodatSync(pfd, name, h.mode, 0);
    this.#times(pfd, name, h.mtime);
  }

  #ownAndXattrs(h: TarHeader, pfd: number, name: string, fd: number): void {
    ownAndXattrs(h, pfd, name, fd, this.opts, (k, m) => this.warnOnce(k, m));
  }

  #times(pfd: number, name: string, t: Timestamp): void {
    utimensatSync(pfd, name, t, t, AT.SYMLINK_NOFOLLOW);
  }
}

/** `.`, `./`, `/`: a name that means the root, as opposed to one that only cleans to it ('' or via `..`). */
function namesRootExplicitly(name: string): boolean {
  const parts = name.split('/').filter((c) => c !== '');
  return parts.length > 0 ? parts.every((c) => c === '.') : name.startsWith('/');
}

function devOk(h: TarHeader): boolean {
  return h.devmajor >= 0 && h.devmajor < U32 && h.devminor >= 0 && h.devminor < U32;
}
