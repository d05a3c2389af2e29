// The lexical tree walk both diffs start from: depth-first, names sorted bytewise, so
// a directory's children follow it directly (continuity's directoryCompare order).
import { type BigIntStats, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { lgetxattrSync, llistxattrSync, major, minor } from './sys.js';
import type { EntryType, Timestamp } from './tar-header.js';

export interface TreeEntry {
  /** Relative path, `/`-separated, no leading `./`; '' is the root itself. */
  readonly path: string;
  readonly abs: string;
  readonly type: EntryType | 'socket';
  /** Permission bits including setuid/setgid/sticky. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: Timestamp;
  readonly dev: bigint;
  readonly ino: bigint;
  readonly nlink: number;
  readonly devmajor: number;
  readonly devminor: number;
  readonly linkname: string;
  readonly xattrs: ReadonlyMap<string, Buffer>;
}

export interface WalkOptions {
  /** Read extended attributes (needs @ctrkit/sys). @default true */
  readonly xattrs?: boolean;
  readonly signal?: AbortSignal;
}

/** Byte order of UTF-8 names (what `LC_ALL=C sort` gives), independent of locale. */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  // Below U+D800, UTF-16 code units sort as UTF-8 bytes do, so only names with
  // surrogate pairs (astral characters) need encoding; the walk sorts every directory.
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
const SURROGATE = /[\uD800-\uDFFF]/;

export function entryType(st: BigIntStats): TreeEntry['type'] {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'socket';
}

/** One entry from its lstat. */
export function statEntry(root: string, path: string, readXattrs = true): TreeEntry {
  const abs = path === '' ? root : join(root, path);
  const st = lstatSync(abs, { bigint: true });
  const type = entryType(st);
  const xattrs = new Map<string, Buffer>();
  if (readXattrs && type !== 'socket') {
    for (const name of llistxattrSync(abs).sort()) {
      const v = lgetxattrSync(abs, name);
      if (v) xattrs.set(name, v);
    }
  }
  const rdev = Number(st.rdev);
  const isDev = type === 'char' || type === 'block';
  return {
    path,
    abs,
    type,
    mode: Number(st.mode) & 0o7777,
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: type === 'file' ? Number(st.size) : 0,
    mtime: { sec: Number(st.mtimeNs / 1_000_000_000n), nsec: Number(st.mtimeNs % 1_000_000_000n) },
    dev: st.dev,
    ino: st.ino,
    nlink: Number(st.nlink),
    devmajor: isDev ? major(rdev) : 0,
    devminor: isDev ? minor(rdev) : 0,
    linkname: type === 'symlink' ? readlinkSync(abs) : '',
    xattrs,
  };
}

/** Every entry under `root` (the root itself first, as path ''), in lexical depth-first order. */
export function walkTree(root: string, opts: WalkOptions = {}): TreeEntry[] {
  return [...walkEntries(root, opts)];
}

/** walkTree() one entry at a time, so a consumer can start before the walk ends. */
export function* walkEntries(root: string, opts: WalkOptions = {}): Generator<TreeEntry> {
  const readX = opts.xattrs ?? true;
  yield statEntry(root, '', readX);
  function* visit(dir: string): Generator<TreeEntry> {
    opts.signal?.throwIfAborted();
    const names = readdirSync(dir === '' ? root : join(root, dir)).sort(compareNames);
    for (const name of names) {
      const path = dir === '' ? name : `${dir}/${name}`;
      const e = statEntry(root, path, readX);
      yield e;
      if (e.type === 'dir') yield* visit(path);
    }
  }
  yield* visit('');
}
