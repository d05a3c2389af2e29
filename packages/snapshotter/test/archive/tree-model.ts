// Random file trees for the round-trip property tests: a model (path → node), a
// fast-check arbitrary for it, a materialiser and a comparator that covers types,
// modes, owners, mtimes, xattrs (rule 4 filtered), link text, device numbers,
// contents and hardlink groups.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  lchownSync,
  linkSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { AT, lsetxattrSync, makedev, mknodSync, S, utimensatSync } from '@ctrkit/sys';
import fc from 'fast-check';
import { type TreeEntry, walkTree } from '../../src/archive/tree-walk.js';
import { isExcludedXattr } from '../../src/archive/xattr-policy.js';

export type Node =
  | { type: 'dir'; mode: number; uid: number; mtime: bigint; xattr?: string }
  | { type: 'file'; mode: number; uid: number; mtime: bigint; content: string; xattr?: string }
  | { type: 'symlink'; target: string; uid: number; mtime: bigint }
  | { type: 'hardlink'; to: string }
  | { type: 'char'; major: number; minor: number; mode: number; mtime: bigint }
  | { type: 'fifo'; mode: number; mtime: bigint };

export type Model = Map<string, Node>;

const NAMES = ['a', 'b', 'c', 'dd', 'e.txt'];
const mtime = fc.oneof(
  fc.constantFrom(1_600_000_000_000_000_000n, 1_700_000_000_000_000_000n),
  fc.integer({ min: 0, max: 999_999_999 }).map((ns) => 1_650_000_000_000_000_000n + BigInt(ns)),
);
const mode = fc.constantFrom(0o755, 0o700, 0o644, 0o600, 0o4755, 0o1777, 0o640);
const uid = fc.constantFrom(0, 1000);
const xattr = fc.option(fc.constantFrom('1', '2'), { nil: undefined });
const leaf: fc.Arbitrary<Node> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      type: fc.constant('file' as const),
      mode,
      uid,
      mtime,
      content: fc.constantFrom('', 'x', 'y', 'hello', 'z'.repeat(3000)),
      xattr,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('dir' as const),
      mode: fc.constantFrom(0o755, 0o700, 0o1777),
      uid,
      mtime,
      xattr,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('symlink' as const),
      target: fc.constantFrom('a', '../b', '/etc/passwd', 'x/../../y'),
      uid,
      mtime,
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('hardlink' as const), to: fc.constantFrom(...NAMES) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('char' as const),
      major: fc.constantFrom(1, 4),
      minor: fc.constantFrom(3, 5),
      mode,
      mtime,
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('fifo' as const), mode, mtime }) },
);

/** A random tree: up to `max` entries, depth ≤ 3, parents implied as 0755 directories. */
export function treeArb(max = 12): fc.Arbitrary<Model> {
  return fc
    .array(fc.tuple(fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }), leaf), { maxLength: max })
    .map((items) => {
      const m: Model = new Map();
      for (const [parts, node] of items) {
        const path = parts.join('/');
        let ok = true;
        for (let i = 1; i < parts.length; i++) {
          const p = parts.slice(0, i).join('/');
          const have = m.get(p);
          if (have && have.type !== 'dir') ok = false;
        }
        if (!ok || m.has(path)) continue;
        for (let i = 1; i < parts.length; i++) {
          const p = parts.slice(0, i).join('/');
          if (!m.has(p)) m.set(p, { type: 'dir', mode: 0o755, uid: 0, mtime: 1_600_000_000_000_000_000n });
        }
        if (node.type === 'hardlink') {
          // Link to a regular file that already exists, else make it a plain file.
          const target = [...m].find(([p, n]) => n.type === 'file' && p !== path)?.[0];
          m.set(
            path,
            target
              ? { type: 'hardlink', to: target }
              : { type: 'file', mode: 0o644, uid: 0, mtime: 1_600_000_000_000_000_000n, content: 'h' },
          );
        } else m.set(path, node);
      }
      return m;
    });
}

/** Creates the model under `root` (which exists); directory times are set last, deepest first. */
export function materialize(m: Model, root: string): void {
  const paths = [...m.keys()].sort();
  for (const p of paths) {
    const n = m.get(p)!;
    const abs = join(root, p);
    switch (n.type) {
      case 'dir':
        mkdirSync(abs);
        chownSync(abs, n.uid, n.uid);
        break;
      case 'file':
        writeFileSync(abs, n.content);
        chownSync(abs, n.uid, n.uid);
        break;
      case 'symlink':
        symlinkSync(n.target, abs);
        lchownSync(abs, n.uid, n.uid);
        break;
      case 'hardlink':
        break;
      case 'char':
        mknodSync(abs, S.IFCHR | 0o600, makedev(n.major, n.minor));
        break;
      case 'fifo':
        mknodSync(abs, S.IFIFO | 0o600, 0);
        break;
    }
  }
  for (const p of paths) {
    const n = m.get(p)!;
    if (n.type === 'hardlink') linkSync(join(root, n.to), join(root, p));
  }
  for (const p of paths) {
    const n = m.get(p)!;
    const abs = join(root, p);
    if ('xattr' in n && n.xattr) lsetxattrSync(abs, 'user.rt', Buffer.from(n.xattr));
    if ('mode' in n && n.type !== 'dir') chmodSync(abs, n.mode);
    if (n.type !== 'hardlink' && n.type !== 'dir') utimensatSync(AT.FDCWD, abs, n.mtime, n.mtime, AT.SYMLINK_NOFOLLOW);
  }
  for (const p of [...paths].reverse()) {
    const n = m.get(p)!;
    if (n.type !== 'dir') continue;
    const abs = join(root, p);
    chmodSync(abs, n.mode);
    utimensatSync(AT.FDCWD, abs, n.mtime, n.mtime, 0);
  }
  utimensatSync(AT.FDCWD, root, 1_600_000_000_000_000_000n, 1_600_000_000_000_000_000n, 0);
}

/**
 * describeTree() without the root's own line (who made the root differs between us and a
 * peer, not what is in it), mtimes to the second: a default diff keeps no more, as
 * containerd's and umoci's own do.
 */
export function describeContents(root: string): string[] {
  return describeTree(root, { seconds: true }).filter((l) => !l.startsWith('. '));
}

/**
 * A comparable description of a tree: one line per entry, plus hardlink groups.
 * `seconds` prints mtimes without their sub-second part (what a default diff keeps).
 */
export function describeTree(root: string, opts: { seconds?: boolean } = {}): string[] {
  const entries = walkTree(root);
  const groups = new Map<string, string[]>();
  const lines = entries.map((e: TreeEntry) => {
    if (e.type !== 'dir' && e.nlink > 1) {
      const k = `${e.ino}`;
      groups.set(k, [...(groups.get(k) ?? []), e.path]);
    }
    const x = [...e.xattrs].filter(([k]) => !isExcludedXattr(k)).map(([k, v]) => `${k}=${v.toString('hex')}`);
    let extra = '';
    if (e.type === 'file') extra = createHash('sha256').update(readFileSync(e.abs)).digest('hex').slice(0, 16);
    if (e.type === 'symlink') extra = `-> ${e.linkname}`;
    if (e.type === 'char' || e.type === 'block') extra = `${e.devmajor}:${e.devminor}`;
    const mt = opts.seconds ? `${e.mtime.sec}` : `${e.mtime.sec}.${e.mtime.nsec}`;
    return `${e.path || '.'} ${e.type} ${e.mode.toString(8)} ${e.uid}:${e.gid} ${mt} ${x.join(',')} ${extra}`;
  });
  for (const g of groups.values()) lines.push(`link-group ${g.join(' ')}`);
  return lines;
}
