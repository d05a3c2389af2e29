import { gunzipSync } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { describe, expect, it } from 'vitest';
import { type DiffOp, planAdded, planDiff } from '../../src/archive/diff-plan.js';
import { gzipParallel } from '../../src/archive/gzip-parallel.js';
import { detectCompression } from '../../src/archive/layer-decode.js';
import { classifyEntry, cleanPath } from '../../src/archive/layer-events.js';
import type { TarHeader } from '../../src/archive/tar-header.js';
import type { TreeEntry } from '../../src/archive/tree-walk.js';
import { zstdFrames } from '../../src/archive/zstd-frames.js';

const hdr = (name: string): TarHeader => ({
  name,
  type: 'file',
  mode: 0,
  uid: 0,
  gid: 0,
  size: 0,
  mtime: { sec: 0, nsec: 0 },
  linkname: '',
  uname: '',
  gname: '',
  devmajor: 0,
  devminor: 0,
  xattrs: new Map(),
});

describe('cleanPath and classifyEntry', () => {
  it('cleans names as rooted paths', () => {
    expect(cleanPath('../victim/x')).toEqual(['victim', 'x']);
    expect(cleanPath('/../a/./b//c/..')).toEqual(['a', 'b']);
    expect(cleanPath('..')).toEqual([]);
    expect(cleanPath('..gitme')).toEqual(['..gitme']);
  });
  it('classifies whiteouts, opaque markers and AUFS metadata', () => {
    expect(classifyEntry(hdr('a/.wh.b'))).toMatchObject({ kind: 'whiteout', parent: ['a'], name: 'b' });
    expect(classifyEntry(hdr('dne/../.wh.etc'))).toMatchObject({ kind: 'whiteout', parent: [], name: 'etc' });
    expect(classifyEntry(hdr('a/.wh..wh..opq'))).toMatchObject({ kind: 'opaque', dir: ['a'] });
    expect(classifyEntry(hdr('.wh..wh.plnk'))).toMatchObject({ kind: 'ignored' });
    expect(classifyEntry(hdr('.wh.etc/somefile'))).toMatchObject({ kind: 'entry', path: ['.wh.etc', 'somefile'] });
  });
  for (const bad of ['.wh.', '.wh..', '.wh...', 'etc/.wh..']) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      expect(() => classifyEntry(hdr(bad))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_WHITEOUT' }));
    });
  }
});

describe('detectCompression', () => {
  it('detects by magic bytes', () => {
    expect(detectCompression(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(detectCompression(Buffer.from([0x50, 0x2a, 0x4d, 0x18]))).toBe('zstd');
    expect(detectCompression(Buffer.from('ustar'))).toBe('none');
    expect(detectCompression(new Uint8Array(0))).toBe('none');
  });
});

let ino = 100n;
function e(path: string, type: TreeEntry['type'], more: Partial<TreeEntry> = {}): TreeEntry {
  return {
    path,
    abs: `/x/${path}`,
    type,
    mode: type === 'dir' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    size: 0,
    mtime: { sec: 1, nsec: 0 },
    dev: 1n,
    ino: ino++,
    nlink: 1,
    devmajor: 0,
    devminor: 0,
    linkname: '',
    xattrs: new Map(),
    ...more,
  };
}
const show = (ops: DiffOp[]) =>
  ops.map((o) =>
    o.kind === 'entry'
      ? o.hardlinkTo
        ? `${o.entry.path}=>${o.hardlinkTo}`
        : o.entry.path || '.'
      : o.kind === 'whiteout'
        ? `-${o.path}`
        : `opq ${o.dir}`,
  );

describe('planDiff', () => {
  const root = e('', 'dir');
  it('an empty lower emits everything but sockets, in lexical order', () => {
    // "a/x" sorts before "a-b": '/' sorts first, so children follow their directory.
    const upper = [root, e('a', 'dir'), e('a-b', 'file'), e('a/x', 'file'), e('sock', 'socket')];
    expect(show(planDiff(null, upper))).toEqual(['.', 'a', 'a/x', 'a-b']);
  });
  it('one whiteout per removed subtree, with its parents; permission-only changes emitted', () => {
    const lower = [
      root,
      e('d', 'dir'),
      e('d/gone', 'dir'),
      e('d/gone/x', 'file'),
      e('d/keep', 'file', { ino: 1n }),
      e('p', 'dir'),
    ];
    const upper = [root, e('d', 'dir'), e('d/keep', 'file', { ino: 1n }), e('p', 'dir', { mode: 0o700 })];
    expect(show(planDiff(lower, upper))).toEqual(['.', 'd', '-d/gone', 'p']);
  });
  it('an emptied-and-refilled directory gets one opaque marker', () => {
    const lower = [root, e('r', 'dir'), e('r/a', 'file'), e('r/b', 'file')];
    const upper = [root, e('r', 'dir'), e('r/new', 'file')];
    expect(show(planDiff(lower, upper))).toEqual(['.', 'r', 'opq r', 'r/new']);
  });
  it('completes hardlink groups even for unmodified names', () => {
    const lower = [root, e('a', 'file', { ino: 5n, nlink: 2 }), e('z', 'file', { ino: 5n, nlink: 2 })];
    const upper = [
      root,
      e('a', 'file', { ino: 5n, nlink: 3 }),
      e('m', 'file', { ino: 5n, nlink: 3 }),
      e('z', 'file', { ino: 5n, nlink: 3 }),
    ];
    expect(show(planDiff(lower, upper))).toEqual(['.', 'a', 'm=>a', 'z=>a']);
  });
  it('compares xattrs except the excluded ones', () => {
    const lower = [root, e('f', 'file', { ino: 9n, xattrs: new Map([['trusted.overlay.origin', Buffer.from('1')]]) })];
    const same = [root, e('f', 'file', { ino: 9n })];
    expect(show(planDiff(lower, same))).toEqual([]);
    const changed = [root, e('f', 'file', { ino: 9n, xattrs: new Map([['user.a', Buffer.from('1')]]) })];
    expect(show(planDiff(lower, changed))).toEqual(['.', 'f']);
  });
});

describe('planAdded', () => {
  it('streams exactly what planDiff plans against an empty lower: root first, sockets out, hardlinks to the first name', () => {
    const upper = [
      e('', 'dir'),
      e('a', 'dir'),
      e('a/h1', 'file', { ino: 7n, nlink: 3 }),
      e('a/s', 'socket'),
      e('a/z', 'symlink', { linkname: '../b' }),
      e('b', 'file', { ino: 7n, nlink: 3 }),
      e('c', 'dir'),
      e('c/h3', 'file', { ino: 7n, nlink: 3 }),
      e('d', 'char', { devmajor: 1, devminor: 3 }),
    ];
    expect([...planAdded(upper)]).toEqual(planDiff(null, upper));
    expect(show([...planAdded(upper)])).toEqual(['.', 'a', 'a/h1', 'a/z', 'b=>a/h1', 'c', 'c/h3=>a/h1', 'd']);
  });
});

describe('gzipParallel', () => {
  it('produces one valid gzip member whatever the block size', async () => {
    const data = Buffer.from('abcdefghij'.repeat(300_000));
    async function* src() {
      for (let i = 0; i < data.length; i += 77_777) yield data.subarray(i, i + 77_777);
    }
    for (const blockSize of [1 << 16, 1 << 20, 1 << 24]) {
      const parts: Buffer[] = [];
      for await (const c of gzipParallel(src(), { blockSize })) parts.push(c);
      expect(gunzipSync(Buffer.concat(parts)).equals(data)).toBe(true);
    }
    const empty: Buffer[] = [];
    for await (const c of gzipParallel((async function* () {})())) empty.push(c);
    expect(gunzipSync(Buffer.concat(empty)).length).toBe(0);
  });

  it('takes whole owned blocks without copying and still copies everything else', async () => {
    const blockSize = 1 << 16;
    const owned = [0, 1, 2].map((i) => Buffer.from(Buffer.alloc(blockSize, 97 + i)));
    const slice = Buffer.alloc(3 * blockSize, 120).subarray(5, 5 + blockSize); // a view: copied
    const chunks = [owned[0]!, owned[1]!, Buffer.from('tail'), slice, owned[2]!];
    const expected = Buffer.concat(chunks.map((c) => Buffer.from(c))); // before any transfer
    async function* src() {
      yield* chunks;
    }
    const parts: Buffer[] = [];
    for await (const c of gzipParallel(src(), { blockSize })) parts.push(c);
    expect(gunzipSync(Buffer.concat(parts)).equals(expected)).toBe(true);
    // The first two were whole blocks at a block boundary: transferred. owned[2] came
    // while a partial block was pending, so it was copied and is still intact.
    expect(owned[0]!.buffer.byteLength).toBe(0);
    expect(owned[1]!.buffer.byteLength).toBe(0);
    expect(owned[2]!.length).toBe(blockSize);
    expect(slice[0]).toBe(120);
  });
});

describe('zstdFrames', () => {
  it('writes one zstd stream of independent frames that any decoder reads back', async () => {
    const data = Buffer.from('0123456789abcdef'.repeat(100_000));
    async function* src() {
      for (let i = 0; i < data.length; i += 50_000) yield data.subarray(i, i + 50_000);
    }
    for (const blockSize of [1 << 16, 1 << 20, 1 << 24]) {
      const parts: Buffer[] = [];
      for await (const c of zstdFrames(src(), { blockSize })) parts.push(c);
      expect(parts.length).toBe(Math.ceil(data.length / blockSize));
      const out: Uint8Array[] = [];
      const d = new ZstdDecompress((c) => out.push(c));
      d.push(Buffer.concat(parts), true);
      expect(Buffer.concat(out).equals(data)).toBe(true);
      // Reproducible: the same input gives the same bytes.
      const again: Buffer[] = [];
      for await (const c of zstdFrames(src(), { blockSize })) again.push(c);
      expect(Buffer.concat(again).equals(Buffer.concat(parts))).toBe(true);
    }
    const empty: Buffer[] = [];
    for await (const c of zstdFrames((async function* () {})())) empty.push(c);
    expect(Buffer.concat(empty).subarray(0, 4)).toEqual(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
  });
});

describe('capability xattrs in diffs (G6)', async () => {
  const { capV3toV2, layerXattrs } = await import('../../src/archive/xattr-policy.js');
  it('turns a v3 value into v2 and leaves v2 alone', () => {
    const v3 = Buffer.alloc(24);
    v3.writeUInt32LE(0x03000001, 0); // revision 3, effective bit
    v3.writeUInt32LE(0x2000, 4);
    v3.writeUInt32LE(1000, 20); // rootid
    const v2 = Buffer.from(capV3toV2(v3));
    expect(v2.length).toBe(20);
    expect(v2.readUInt32LE(0)).toBe(0x02000001);
    expect(v2.readUInt32LE(4)).toBe(0x2000);
    expect(capV3toV2(v2)).toBe(v2);
  });
  it('filters by rule 4 and sorts names', () => {
    const all = new Map<string, Buffer>([
      ['user.b', Buffer.from('2')],
      ['trusted.overlay.origin', Buffer.from('x')],
      ['security.selinux', Buffer.from('s')],
      ['system.nfs4_acl', Buffer.from('n')],
      ['user.a', Buffer.from('1')],
      ['trusted.x', Buffer.from('t')],
    ]);
    expect(layerXattrs(all).map(([k]) => k)).toEqual(['trusted.x', 'user.a', 'user.b']);
  });
});
