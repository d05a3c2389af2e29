// The diff planner: from two lexical walks to the ordered list of what a layer must
// carry. Added and modified entries, one whiteout per removed subtree, an opaque
// marker for a directory whose lower children are all gone and that has new ones,
// parent directories of everything emitted, and whole hardlink groups (so the layer
// is self-contained). Sockets are never emitted (F3). Pure: no file system access.
import { compareNames, type TreeEntry } from './tree-walk.js';
import { isExcludedXattr } from './xattr-policy.js';

export type DiffOp =
  | { readonly kind: 'entry'; readonly entry: TreeEntry; readonly hardlinkTo?: string }
  | { readonly kind: 'whiteout'; readonly path: string }
  | { readonly kind: 'opaque'; readonly dir: string };

export interface PlanOptions {
  /** Compare file contents when size and mtime agree but mtimes have zero nanoseconds (truncated). */
  readonly sameContent?: (lower: TreeEntry, upper: TreeEntry) => boolean;
}

const parentOf = (p: string) => {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
};

/**
 * Hardlink groups in walk order: the first name of an inode is written as itself, every
 * later one as a hardlink to it.
 */
export class HardlinkGroups {
  readonly #first = new Map<string, string>();

  /** `e` as a plain entry (the first name of its inode) or as a hardlink to that first name. */
  entry(e: TreeEntry): DiffOp {
    if (e.type === 'dir' || e.nlink < 2) return { kind: 'entry', entry: e };
    const k = `${e.dev}:${e.ino}`;
    const to = this.#first.get(k);
    if (to !== undefined) return { kind: 'entry', entry: e, hardlinkTo: to };
    this.#first.set(k, e.path);
    return { kind: 'entry', entry: e };
  }
}

function sameXattrs(a: ReadonlyMap<string, Buffer>, b: ReadonlyMap<string, Buffer>): boolean {
  const ka = [...a.keys()].filter((k) => !isExcludedXattr(k));
  const kb = [...b.keys()].filter((k) => !isExcludedXattr(k));
  if (ka.length !== kb.length) return false;
  return ka.every((k) => b.has(k) && Buffer.compare(a.get(k)!, b.get(k)!) === 0);
}

/** True when `u` needs no entry in the layer. */
export function unchanged(l: TreeEntry, u: TreeEntry, opts: PlanOptions = {}): boolean {
  if (l.type !== u.type || l.mode !== u.mode || l.uid !== u.uid || l.gid !== u.gid) return false;
  if (l.mtime.sec !== u.mtime.sec || l.mtime.nsec !== u.mtime.nsec) return false;
  if (!sameXattrs(l.xattrs, u.xattrs)) return false;
  switch (u.type) {
    case 'file':
      if (l.size !== u.size) return false;
      // Both mtimes truncated to whole seconds: a same-second rewrite is invisible to mtime.
      if (u.mtime.nsec === 0 && opts.sameContent) return opts.sameContent(l, u);
      return true;
    case 'symlink':
      return l.linkname === u.linkname;
    case 'char':
    case 'block':
      return l.devmajor === u.devmajor && l.devminor === u.devminor;
    default:
      return true;
  }
}

/** Orders paths depth-first with bytewise names; `extra` ('' for an opaque marker) sorts right after the directory. */
function pathKey(p: string): string[] {
  return p === '' ? [] : p.split('/');
}
function compareKeys(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareNames(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Plans a layer that turns `lower` (null: empty) into `upper`. Both come from walkTree. */
export function planDiff(
  lower: readonly TreeEntry[] | null,
  upper: readonly TreeEntry[],
  opts: PlanOptions = {},
): DiffOp[] {
  const lowerMap = new Map((lower ?? []).map((e) => [e.path, e]));
  const upperMap = new Map(upper.map((e) => [e.path, e]));
  const emit = new Set<string>();

  for (const u of upper) {
    if (u.type === 'socket' || u.path === '') continue;
    const l = lowerMap.get(u.path);
    if (!l || !unchanged(l, u, opts)) emit.add(u.path);
  }
  // The root's own metadata travels as a "./" entry only when it changed.
  const rootL = lowerMap.get('');
  const rootU = upperMap.get('')!;
  const rootChanged = !rootL || !unchanged(rootL, rootU, opts);

  // Deletions: one whiteout per removed subtree, or an opaque marker per emptied-and-refilled directory.
  const deleted: string[] = [];
  const lowerChildren = new Map<string, number>();
  const deletedChildren = new Map<string, number>();
  for (const l of lower ?? []) {
    if (l.path === '') continue;
    const parent = parentOf(l.path);
    lowerChildren.set(parent, (lowerChildren.get(parent) ?? 0) + 1);
    const u = upperMap.get(l.path);
    if (u && u.type !== 'socket') continue;
    const up = upperMap.get(parent);
    if (up?.type !== 'dir' || lowerMap.get(parent)?.type !== 'dir') continue; // covered by the parent
    deleted.push(l.path);
    deletedChildren.set(parent, (deletedChildren.get(parent) ?? 0) + 1);
  }
  const upperChildren = new Map<string, number>();
  for (const u of upper)
    if (u.path !== '') upperChildren.set(parentOf(u.path), (upperChildren.get(parentOf(u.path)) ?? 0) + 1);
  const opaque = new Set<string>();
  for (const [dir, n] of deletedChildren) {
    if (n === lowerChildren.get(dir) && (upperChildren.get(dir) ?? 0) > 0) opaque.add(dir);
  }

  // Whole hardlink groups: if one name is emitted, all are.
  const groups = new Map<string, TreeEntry[]>();
  for (const u of upper) {
    if (u.type === 'dir' || u.nlink < 2) continue;
    const k = `${u.dev}:${u.ino}`;
    const g = groups.get(k);
    if (g) g.push(u);
    else groups.set(k, [u]);
  }
  for (const g of groups.values()) if (g.some((e) => emit.has(e.path))) for (const e of g) emit.add(e.path);

  // Parents of everything emitted.
  const withParents = (p: string) => {
    for (let q = parentOf(p); q !== ''; q = parentOf(q)) {
      if (emit.has(q)) break;
      emit.add(q);
    }
  };
  for (const p of [...emit]) withParents(p);
  for (const p of deleted) withParents(p);
  for (const d of opaque) {
    if (d === '') continue;
    emit.add(d);
    withParents(d);
  }

  type Item = { key: string[]; op: DiffOp };
  const items: Item[] = [];
  const links = new HardlinkGroups();
  for (const u of upper) if (emit.has(u.path)) items.push({ key: pathKey(u.path), op: links.entry(u) });
  for (const p of deleted)
    if (!opaque.has(parentOf(p))) items.push({ key: pathKey(p), op: { kind: 'whiteout', path: p } });
  for (const d of opaque) items.push({ key: [...pathKey(d), ''], op: { kind: 'opaque', dir: d } });
  items.sort((a, b) => compareKeys(a.key, b.key));
  const ops = items.map((i) => i.op);
  // The root is everything's parent: emitted when anything is, so its times survive the apply.
  if (rootChanged || ops.length > 0) ops.unshift({ kind: 'entry', entry: rootU });
  return ops;
}

/**
 * planDiff(null, upper) as a stream: against an empty lower every entry but sockets is
 * added, in walk order, the root first, later names of a hardlink group as links to the
 * first. Nothing needs the whole walk, so the layer can start while the walk goes on.
 */
export function* planAdded(upper: Iterable<TreeEntry>): Generator<DiffOp> {
  const groups = new HardlinkGroups();
  for (const u of upper) if (u.type !== 'socket') yield groups.entry(u);
}
