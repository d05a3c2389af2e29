// layer-apply-cases.md group D (whiteouts, plain and overlay mode) and X1–X2 (rule 1).
import { lstatSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { lgetxattrSync } from '@ctrkit/sys';
import { requires } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';
import { kind, list, read, runCase } from './archive/case-harness.js';
import { D, F, S, W } from './archive/tar-helpers.js';

const gate = requires('root', 'openat2');
const overlay = { whiteouts: 'overlay' as const };
const opaque = (root: string, p: string) => lgetxattrSync(join(root, p), 'trusted.overlay.opaque')?.toString() ?? null;

describe.runIf(gate.ok)('D. whiteouts', () => {
  for (const name of ['.wh...', 'etc/.wh...', '.wh..', 'etc/.wh..', '.wh.', 'etc/.wh.']) {
    for (const mode of ['oci', 'overlay'] as const) {
      it(`D1 ${JSON.stringify(name)} is ERR_INVALID_WHITEOUT (${mode})`, () =>
        runCase(async ({ rejects }) => rejects([D('etc'), W(name)], 'ERR_INVALID_WHITEOUT', { whiteouts: mode })));
    }
  }
  it('D2 whiteout of a symlink removes only the symlink', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('etc'), F('etc/passwd', 'p'), S('localetc', '/etc')]);
      await apply([W('.wh.localetc')]);
      expect(kind(root, 'localetc')).toBeNull();
      expect(read(root, 'etc/passwd')).toBe('p');
    }));
  it('D3 whiteout through a symlinked parent removes the in-root file', () =>
    runCase(async ({ root, tmp, apply }) => {
      await apply([S('localetc', '/etc'), D('etc'), F('etc/whitedout', 'w')]);
      await apply([W('localetc/.wh.whitedout')]);
      expect(kind(root, 'etc/whitedout')).toBeNull();
      expect(kind(tmp, 'etc/passwd')).toBe('file');
    }));
  it('D4 a .wh. name used as a directory is an ordinary directory', () =>
    runCase(async ({ root, apply }) => {
      await apply([F('.wh.etc/somefile', 'non-empty')]);
      expect(read(root, '.wh.etc/somefile')).toBe('non-empty');
    }));
  it('D5 whiteout under a dangling symlink parent is a no-op', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('etc'), F('etc/passwd', 'p'), S('localetc', '/dne')]);
      await apply([W('localetc/.wh.etc')]);
      expect(read(root, 'etc/passwd')).toBe('p');
    }));
  it('D6 dne/../.wh.etc removes <root>/etc', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('etc'), F('etc/passwd', 'p')]);
      await apply([W('dne/../.wh.etc')]);
      expect(kind(root, 'etc')).toBeNull();
    }));
  it('D7 whiteouts keep the parent directory times', () =>
    runCase(async ({ root, apply }) => {
      await apply([
        D('some/path'),
        F('some/path/file'),
        D('some/path/.hiddendir'),
        F('some/path/.hiddendir/f'),
        F('.hiddenroot'),
      ]);
      utimesSync(join(root, 'some/path'), 1000, 2000);
      utimesSync(root, 3000, 4000);
      await apply([W('some/path/.wh.file'), W('some/path/.wh..hiddendir'), W('.wh..hiddenroot')]);
      expect(lstatSync(join(root, 'some/path')).mtimeMs).toBe(2_000_000);
      expect(lstatSync(join(root, 'some/path')).atimeMs).toBe(1_000_000);
      expect(lstatSync(root).mtimeMs).toBe(4_000_000);
      expect(list(root)).toEqual(['some/', 'some/path/']); // readdir updates atime: check it last
    }));
  it('D8 opaque keeps only this layer and its ancestors; escaping lower symlinks are deleted unfollowed', () =>
    runCase(async ({ root, tmp, apply }) => {
      await apply([
        D('dir'),
        F('dir/lowerfile'),
        { name: 'dir/fifo', type: 'fifo', mode: 0o644 },
        S('dir/up', '..'),
        S('dir/shadow', '../../../../../../../../../../../../etc/shadow'),
        S('dir/shadow2', '/../../../../../../../../../../../../etc/shadow'),
        D('dir/nested/deep'),
        F('dir/nested/deep/f'),
      ]);
      await apply([F('dir/nested/upper/file', 'u'), F('dir/upperfile', 'u'), W('dir/.wh..wh..opq')]);
      expect(list(join(root, 'dir'))).toEqual(['nested/', 'nested/upper/', 'nested/upper/file', 'upperfile']);
      expect(kind(tmp, 'etc/passwd')).toBe('file');
    }));
  for (const marker of [true, false]) {
    it(`D9 same-layer plain whiteouts (rule 1)${marker ? ', with a trailing opaque marker' : ''}`, () =>
      runCase(async ({ root, apply }) => {
        await apply([D('t'), F('t/fileC', 'lower')]);
        await apply([
          W('t/.wh.fileB'),
          F('t/fileA', 'a'),
          F('t/fileB', 'b'),
          W('t/.wh.fileA'),
          W('t/.wh.fileC'),
          ...(marker ? [W('t/.wh..wh..opq')] : []),
        ]);
        expect(list(join(root, 't'))).toEqual(['fileA', 'fileB']);
      }));
  }
  it('D10 directory whiteout and re-create in one layer (without the opaque marker)', () =>
    runCase(async ({ root, apply }) => {
      const shadow = `${'../'.repeat(12)}etc/shadow`;
      await apply([
        F('file'),
        S('dir1/link', '../badlink'),
        S('dir1/verybadlink2', `/${shadow}`),
        S('dir2/link', '../badlink'),
      ]);
      await apply([
        W('.wh.dir2'),
        D('dir1'),
        F('dir1/file'),
        S('dir1/verybadlink', shadow),
        W('.wh.dir1'),
        D('dir2'),
        F('dir2/file'),
      ]);
      expect(list(root)).toEqual(['dir1/', 'dir1/file', 'dir1/verybadlink', 'dir2/', 'dir2/file', 'file']);
    }));
  it('D10 with the trailing opaque marker matches umoci', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('t'), F('t/file'), S('t/dir1/link', '../badlink'), S('t/dir2/link', '../badlink')]);
      await apply([
        W('t/.wh.dir2'),
        D('t/dir1'),
        F('t/dir1/file'),
        W('t/.wh.dir1'),
        D('t/dir2'),
        F('t/dir2/file'),
        W('t/.wh..wh..opq'),
      ]);
      expect(list(join(root, 't'))).toEqual(['dir1/', 'dir1/file', 'dir2/', 'dir2/file']);
    }));
  it('D11 multi-layer whiteout sequence (moby TestApplyLayerWhiteouts)', () =>
    runCase(async ({ root, apply }) => {
      await apply([
        F('.baz'),
        D('bar'),
        F('bar/bax'),
        D('bar/bay'),
        F('baz'),
        D('foo'),
        F('foo/.abc'),
        D('foo/.bcd'),
        F('foo/.bcd/a'),
        D('foo/cde'),
        F('foo/cde/def'),
        F('foo/cde/efg'),
        F('foo/fgh'),
        F('foobar'),
      ]);
      await apply([
        F('.bay'),
        W('.wh.baz'),
        D('foo'),
        F('foo/.bce'),
        W('foo/.wh..wh..opq'),
        D('foo/cde'),
        F('foo/cde/efg'),
      ]);
      expect(list(root)).toEqual([
        '.bay',
        '.baz',
        'bar/',
        'bar/bax',
        'bar/bay/',
        'foo/',
        'foo/.bce',
        'foo/cde/',
        'foo/cde/efg',
        'foobar',
      ]);
      await apply([F('.bay'), W('.wh..baz'), W('.wh.foobar'), D('foo'), F('foo/.abc'), W('foo/.wh.cde'), D('bar')]);
      expect(list(root)).toEqual(['.bay', 'bar/', 'bar/bax', 'bar/bay/', 'foo/', 'foo/.abc', 'foo/.bce']);
      await apply([F('.abc'), W('.wh..wh..opq'), F('foobar')]);
      expect(list(root)).toEqual(['.abc', 'foobar']);
    }));
  for (const first of [true, false]) {
    it(`D12 opaque marker order-independent (marker ${first ? 'first' : 'last'})`, () =>
      runCase(async ({ root, apply }) => {
        await apply([D('a'), F('a/lower'), D('a/b'), F('a/b/lower')]);
        const body = [D('a/'), D('a/b/'), D('a/b/c/'), F('a/b/c/foo')];
        await apply(first ? [W('a/.wh..wh..opq'), ...body] : [...body, W('a/.wh..wh..opq')]);
        expect(list(join(root, 'a'))).toEqual(['b/', 'b/c/', 'b/c/foo']);
      }));
  }
  it('D13 directory replaced across layers', () =>
    runCase(async ({ root, apply }) => {
      await apply([F('a/foo'), F('b/bar')]);
      await apply([W('.wh.a')]);
      await apply([F('a/baz')]);
      expect(list(root)).toEqual(['a/', 'a/baz', 'b/', 'b/bar']);
    }));
  it('D14 opaque over a base', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('a'), D('a/b'), F('a/b/foo'), D('d'), F('d/a.txt'), F('d/b.txt')]);
      await apply([D('a'), W('a/.wh..wh..opq'), F('d/c.txt'), W('d/.wh..wh..opq')]);
      expect(list(root)).toEqual(['a/', 'd/', 'd/c.txt']);
    }));
});

describe.runIf(gate.ok)('D15. overlay-mode apply', () => {
  it('1: a same-layer file survives its whiteout; no device (rule 1)', () =>
    runCase(async ({ root, apply }) => {
      await apply([F('file', 'x'), W('.wh.file')], overlay);
      expect(kind(root, 'file')).toBe('file');
    }));
  it('2: opaque marker after the entries keeps them', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('dir'), F('dir/fileindir'), W('dir/.wh..wh..opq')], overlay);
      expect(opaque(root, 'dir')).toBe('y');
      expect(kind(root, 'dir/fileindir')).toBe('file');
    }));
  it('3: whiteouts with no parent entries create the parents', () =>
    runCase(async ({ root, apply }) => {
      await apply([W('opaque-noparent/a/b/c/.wh..wh..opq'), W('whiteout-noparent/a/b/.wh.c')], overlay);
      expect(opaque(root, 'opaque-noparent/a/b/c')).toBe('y');
      expect(kind(root, 'whiteout-noparent/a/b/c')).toBe('char 0');
    }));
  it('4: an opaque marker under a file replaces it with an opaque directory', () =>
    runCase(async ({ root, apply }) => {
      await apply([F('opaque-nondir'), W('opaque-nondir/.wh..wh..opq')], overlay);
      expect(kind(root, 'opaque-nondir')).toBe('dir');
      expect(opaque(root, 'opaque-nondir')).toBe('y');
    }));
  it('5: whiteout then opaque marker gives an opaque directory, no device', () =>
    runCase(async ({ root, apply }) => {
      await apply([W('.wh.opaque-whiteout'), W('opaque-whiteout/.wh..wh..opq')], overlay);
      expect(kind(root, 'opaque-whiteout')).toBe('dir');
      expect(opaque(root, 'opaque-whiteout')).toBe('y');
    }));
  it('6: plain whiteouts inside an opaque directory are not materialised', () =>
    runCase(async ({ root, apply }) => {
      await apply(
        [
          W('opaque-innerplain/foo/bar/baz/.wh.before'),
          F('opaque-innerplain/regfile'),
          W('opaque-innerplain/.wh..wh..opq'),
          W('opaque-innerplain/a/b/c/d/e/f/.wh.after'),
          F('opaque-innerplain/a/b/c/d/regfile'),
        ],
        overlay,
      );
      expect(opaque(root, 'opaque-innerplain')).toBe('y');
      expect(kind(root, 'opaque-innerplain/foo/bar/baz/before')).toBeNull();
      expect(kind(root, 'opaque-innerplain/a/b/c/d/e/f/after')).toBeNull();
      expect(kind(root, 'opaque-innerplain/regfile')).toBe('file');
      expect(kind(root, 'opaque-innerplain/a/b/c/d/regfile')).toBe('file');
    }));
  it('7: nested opaque markers all stay opaque', () =>
    runCase(async ({ root, apply }) => {
      await apply(
        [W('opaque-nested/a/b/c/d/.wh..wh..opq'), W('opaque-nested/a/b/.wh..wh..opq'), W('opaque-nested/.wh..wh..opq')],
        overlay,
      );
      for (const p of ['opaque-nested/a/b/c/d', 'opaque-nested/a/b', 'opaque-nested'])
        expect(opaque(root, p)).toBe('y');
    }));
  it('8: whiteout of a same-layer directory makes it opaque and keeps all its entries (rule 1)', () =>
    runCase(async ({ root, apply }) => {
      await apply(
        [
          F('autoconvert-opaquedir/before'),
          W('.wh.autoconvert-opaquedir'),
          F('autoconvert-opaquedir/foo/bar'),
          F('autoconvert-opaquedir/abc/def'),
        ],
        overlay,
      );
      expect(opaque(root, 'autoconvert-opaquedir')).toBe('y');
      expect(list(join(root, 'autoconvert-opaquedir'))).toEqual(['abc/', 'abc/def', 'before', 'foo/', 'foo/bar']);
    }));
  it('rootless uses user.overlay.opaque', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('d'), W('d/.wh..wh..opq')], { whiteouts: 'overlay', rootless: true });
      expect(lgetxattrSync(join(root, 'd'), 'user.overlay.opaque')?.toString()).toBe('y');
    }));
});

describe.runIf(gate.ok)('X1–X2. rule 1 at the edges', () => {
  it('X1 plain: whiteout before a same-layer file', () =>
    runCase(async ({ root, apply }) => {
      await apply([F('a', 'lower'), D('d'), F('d/lower')]);
      await apply([W('.wh.a'), F('a', 'upper'), W('.wh.d'), D('d'), F('d/upper')]);
      expect(read(root, 'a')).toBe('upper');
      expect(list(join(root, 'd'))).toEqual(['upper']);
    }));
  it('X1 overlay: the file replaces the device; the directory becomes opaque', () =>
    runCase(async ({ root, apply }) => {
      await apply([W('.wh.a'), F('a', 'upper'), W('.wh.d'), D('d'), F('d/upper')], overlay);
      expect(read(root, 'a')).toBe('upper');
      expect(opaque(root, 'd')).toBe('y');
      expect(list(join(root, 'd'))).toEqual(['upper']);
    }));
  it('X2 plain: whiteout after a same-layer directory', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('d'), F('d/lower')]);
      await apply([D('d'), F('d/new'), W('.wh.d')]);
      expect(list(join(root, 'd'))).toEqual(['new']);
    }));
  it('X2 overlay: the directory is opaque and holds new', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('d'), F('d/new'), W('.wh.d')], overlay);
      expect(opaque(root, 'd')).toBe('y');
      expect(list(join(root, 'd'))).toEqual(['new']);
    }));
});
