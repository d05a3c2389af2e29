// Whiteouts, rule 1: a whiteout removes only what lower layers contributed. Paths the
// current layer wrote (and their ancestors) survive, whatever the order in the archive.
// Plain mode deletes; overlay mode writes 0/0 char devices and opaque xattrs instead.

import { closeSync, fstatSync } from 'node:fs';
import type { LayerApplier } from './applier.js';
import { InvalidWhiteoutError } from './errors.js';
import { listDir, removeTree } from './remove-tree.js';
import { kindAt } from './resolver.js';
import { mknodatSync, O, openatSync, S, unlinkatSync, utimensatSync } from './sys.js';

/** `parent/.wh.name`. */
export function applyWhiteout(a: LayerApplier, parentPath: readonly string[], name: string, entry: string): void {
  if (name.includes('/')) throw new InvalidWhiteoutError(entry);
  const overlay = a.opts.whiteouts === 'overlay';
  // Overlay mode creates missing parents (umoci D15.3); plain mode treats them as a no-op (D5).
  const parent = overlay ? a.parentOf([...parentPath, name], entry) : a.resolver.resolveDir(parentPath);
  if (!parent) return;
  const key = [...parent.canon, name].join('/');
  const kind = kindAt(parent.fd, name);
  const ownWrite = a.written.has(key) || a.ancestors.has(key);
  if (overlay) {
    if (ownWrite) {
      if (kind === 'dir') a.setOpaque(key);
      return;
    }
    if (insideOpaque(a, key)) return; // D15.6: plain whiteouts inside an opaque dir are not materialised
    if (a.opaqueDirs.has('')) return; // the whole lower root is already hidden (opaqueRoot)
    if (kind !== null) removeTree(parent.fd, name);
    mknodatSync(parent.fd, name, S.IFCHR, 0);
    if (kind === 'dir' || kind === 'symlink') a.resolver.invalidate();
    a.whiteoutDevices.add(key);
    return;
  }
  if (kind === null) return;
  withParentTimes(parent.fd, () => {
    if (ownWrite) {
      if (kind === 'dir') removeLowerChildren(a, key);
      return;
    }
    removeTree(parent.fd, name);
    if (kind !== 'other') a.resolver.invalidate();
  });
}

/** `dir/.wh..wh..opq`: hide everything lower layers put in `dir`. */
export function applyOpaque(a: LayerApplier, dirPath: readonly string[], entry: string): void {
  if (a.opts.whiteouts === 'overlay') {
    const dir = dirPath.length === 0 ? { canon: [] as string[] } : a.parentOf([...dirPath, '.'], entry);
    const key = dir.canon.join('/');
    if (dirPath.length > 0) {
      const parent = a.resolver.resolveDir(dir.canon.slice(0, -1))!;
      const name = dir.canon[dir.canon.length - 1]!;
      const kind = kindAt(parent.fd, name);
      if (kind !== 'dir') return; // resolved by parentOf, so only a race could get here
    }
    a.setOpaque(key);
    if (key === '') {
      // overlayfs ignores the opaque xattr on the upperdir's root, so hide the lower
      // root's entries one by one: 0/0 devices, or opaque for this layer's directories.
      opaqueRoot(a);
      return;
    }
    // Whiteout devices this layer made beneath it are now redundant (D15.6).
    for (const dev of [...a.whiteoutDevices]) {
      if (dev.startsWith(`${key}/`)) {
        const p = dev.split('/');
        const parent = a.resolver.resolveDir(p.slice(0, -1));
        if (parent) unlinkatSync(parent.fd, p[p.length - 1]!, 0);
        a.whiteoutDevices.delete(dev);
      }
    }
    a.markWritten(key === '' ? '' : key);
    return;
  }
  const dir = a.resolver.resolveDir(dirPath);
  if (!dir) return;
  removeLowerChildren(a, dir.canon.join('/'));
}

function opaqueRoot(a: LayerApplier): void {
  const names = new Set<string>();
  for (const lfd of a.resolver.lowerFds) for (const n of listDir(lfd)) names.add(n);
  const root = a.resolver.rootFd;
  for (const name of names) {
    const kind = kindAt(root, name);
    if (kind === null) {
      mknodatSync(root, name, S.IFCHR, 0);
      a.whiteoutDevices.add(name);
    } else if (kind === 'dir') {
      a.setOpaque(name);
      // Devices inside it are redundant now that it is opaque.
      for (const dev of [...a.whiteoutDevices]) {
        if (!dev.startsWith(`${name}/`)) continue;
        const p = dev.split('/');
        const parent = a.resolver.resolveDir(p.slice(0, -1));
        if (parent) unlinkatSync(parent.fd, p[p.length - 1]!, 0);
        a.whiteoutDevices.delete(dev);
      }
    }
    // A non-directory this layer wrote already hides the lower entry.
  }
}

/** Inside a directory this layer made opaque (the upperdir root does not count: overlayfs ignores it there). */
function insideOpaque(a: LayerApplier, key: string): boolean {
  for (const d of a.opaqueDirs) if (d !== '' && key.startsWith(`${d}/`)) return true;
  return false;
}

/** Removes every child of `key` not written by this layer; recurses into kept directories. */
function removeLowerChildren(a: LayerApplier, key: string): void {
  const path = key === '' ? [] : key.split('/');
  const dir = a.resolver.resolveDir(path);
  if (!dir) return;
  let removedLinkOrDir = false;
  const keepDirs: string[] = [];
  for (const child of listDir(dir.fd)) {
    const ck = key === '' ? child : `${key}/${child}`;
    const kind = kindAt(dir.fd, child);
    if (a.written.has(ck) || a.ancestors.has(ck)) {
      if (kind === 'dir') keepDirs.push(ck);
      continue;
    }
    removeTree(dir.fd, child);
    if (kind !== 'other') removedLinkOrDir = true;
  }
  if (removedLinkOrDir) a.resolver.invalidate();
  for (const ck of keepDirs) removeLowerChildren(a, ck);
}

/** Runs `fn` and restores the directory's atime and mtime afterwards (D7). */
function withParentTimes(dirFd: number, fn: () => void): void {
  // An fd of our own: `fn` may invalidate the resolver's cached ones.
  const fd = openatSync(dirFd, '.', O.RDONLY | O.DIRECTORY | O.CLOEXEC);
  try {
    const st = fstatSync(fd, { bigint: true });
    fn();
    utimensatSync(fd, '.', st.atimeNs, st.mtimeNs, 0);
  } finally {
    closeSync(fd);
  }
}
