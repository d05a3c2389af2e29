// layer-apply-cases.md groups A (entry names) and B (writing through symlinks). Each
// case runs next to a victim directory that must be unchanged afterwards (runCase).
import { requires } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';
import { ino, kind, link, list, read, runCase } from './archive/case-harness.js';
import { D, F, H, S } from './archive/tar-helpers.js';

const gate = requires('root', 'openat2');

describe.runIf(gate.ok)('A. entry names', () => {
  it('A1 dot-dot names are clamped into the root', () =>
    runCase(async ({ root, apply }) => {
      await apply([F('../victim/dotdot', 'x'), F('/../victim/slash-dotdot', 'y')]);
      expect(read(root, 'victim/dotdot')).toBe('x');
      expect(read(root, 'victim/slash-dotdot')).toBe('y');
    }));
  it('A2 ".." as a file is refused; ../pwned lands in the root', () =>
    runCase(async ({ root, apply, rejects }) => {
      await rejects([F('..', 'x')], 'ERR_LAYER_PATH_ESCAPE');
      expect(list(root)).toEqual([]);
      await apply([F('../pwned', '1')]);
      await apply([F('../../pwned', '2')]);
      expect(read(root, 'pwned')).toBe('2');
    }));
  it('A3 backslash names are literal names inside the root', () =>
    runCase(async ({ root, apply }) => {
      await apply([F('..\\..\\tmp\\evil', 'a'), F('C:..\\evil', 'b'), F('tmp/safe', 'c')]);
      expect(read(root, '..\\..\\tmp\\evil')).toBe('a');
      expect(read(root, 'C:..\\evil')).toBe('b');
    }));
  it('A4 a directory entry for the root updates metadata; a symlink is refused', () =>
    runCase(async ({ root, tmp, apply, rejects }) => {
      await apply([D('.', 0o711)]);
      expect(kind(root, '.')).toBe('dir');
      await rejects([S('.', tmp)], 'ERR_LAYER_PATH_ESCAPE');
      expect(kind(root, '.')).toBe('dir');
    }));
  it('A5 empty and ".." symlink names are ignored; the hardlink resolves in the root', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('etc'), F('etc/passwd', 'in')]);
      await apply([S('', '/etc/'), H('localpasswd', '/etc/passwd')]);
      expect(kind(root, '.')).toBe('dir');
      expect(read(root, 'localpasswd')).toBe('in');
      expect(ino(root, 'localpasswd')).toBe(ino(root, 'etc/passwd'));
      await apply([S('..', '/etc/'), H('localpasswd2', '/etc/passwd')]);
      await apply([S('a/..', '/etc/'), S('../..', '/etc/')]);
      expect(kind(root, '.')).toBe('dir');
      expect(ino(root, 'localpasswd2')).toBe(ino(root, 'etc/passwd'));
    }));
  it('A4/A5 boundary: a symlink named "." or "/", and a file named ".." or "", are refused', () =>
    runCase(async ({ root, tmp, rejects }) => {
      for (const name of ['.', './', '/', '/.']) await rejects([S(name, tmp)], 'ERR_LAYER_PATH_ESCAPE');
      await rejects([F('..', 'x')], 'ERR_LAYER_PATH_ESCAPE');
      await rejects([F('', 'x')], 'ERR_LAYER_PATH_ESCAPE');
      expect(kind(root, '.')).toBe('dir');
    }));
  it('A6 names that normalise: localetc/sub/.. is localetc', () =>
    runCase(async ({ root, apply }) => {
      await apply([
        D('etc'),
        F('etc/passwd', 'in'),
        S('localetc/sub/..', '/etc/'),
        H('/localetc/localpasswd', '/etc/passwd'),
      ]);
      expect(link(root, 'localetc')).toBe('/etc/');
      expect(read(root, 'etc/localpasswd')).toBe('in');
    }));
  it('A7 ..gitme is an ordinary name', () =>
    runCase(async ({ root, apply }) => {
      await apply([F('..gitme', 'ok')]);
      expect(read(root, '..gitme')).toBe('ok');
    }));
  it('A8 a hardlink to a prefix-sharing sibling is clamped, missing, and refused', () =>
    runCase(async ({ root, rejects }) => {
      await rejects([H('grab', '../dest-evil/secret')], 'ERR_LAYER_PATH_ESCAPE');
      expect(kind(root, 'grab')).toBeNull();
    }));
});

describe.runIf(gate.ok)('B. writing through symlinks', () => {
  for (const [id, target] of [
    ['B1 absolute', '/etc'],
    ['B2 up and out', '/dummy/../etc'],
  ] as const) {
    it(`${id} symlink resolves inside the root`, () =>
      runCase(async ({ root, tmp, apply }) => {
        await apply([D('etc'), S('localetc', target), F('/localetc/unbroken', 'unbroken')]);
        expect(read(root, 'etc/unbroken')).toBe('unbroken');
        expect(kind(tmp, 'etc/unbroken')).toBeNull();
      }));
  }
  it('B3 symlink chains, absolute and relative', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('etc'), S('/dummy/etc', '/etc'), S('localetc', '/dummy/etc'), F('/dummy/etc/unbroken', 'a')]);
      expect(read(root, 'etc/unbroken')).toBe('a');
      await apply([S('localetc2', './dummy/etc'), F('localetc2/u2', 'b')]);
      expect(read(root, 'etc/u2')).toBe('b');
    }));
  it('B4 replacing through a symlink empties the in-root file', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('etc'), F('etc/emptied', 'notempty'), S('localetc', '/etc'), F('/localetc/emptied', '')]);
      expect(read(root, 'etc/emptied')).toBe('');
    }));
  it('B5 link text is stored verbatim', () =>
    runCase(async ({ root, apply }) => {
      const targets = [
        '../other',
        '../../etc',
        'up/../../other',
        '../../../breakout',
        'etc/../../upandout',
        'derek/../../../downandout',
        '/etc',
      ];
      await apply(targets.map((t, i) => S(`l${i}`, t)));
      expect(targets.map((_, i) => link(root, `l${i}`))).toEqual(targets);
    }));
  it('B6 directory replaced by a symlink to / and back', () =>
    runCase(async ({ root, apply }) => {
      await apply([
        D('foo'),
        D('foo/tmp'),
        F('foo/tmp/breakout-X', '012'),
        S('foo', '/'),
        F('foo/tmp/breakout-X', '345'),
        D('foo'),
        D('foo/tmp'),
        F('foo/tmp/breakout-X', '678'),
      ]);
      expect(read(root, 'foo/tmp/breakout-X')).toBe('678');
      expect(read(root, 'tmp/breakout-X')).toBe('345');
      expect(kind('/tmp', 'breakout-X')).toBeNull();
    }));
  const b7: Array<[string, ReturnType<typeof F>[], (root: string) => void]> = [
    ['1', [S('dotdot', '../victim/hello')], (r) => expect(link(r, 'dotdot')).toBe('../victim/hello')],
    ['2', [S('slash-dotdot', '/../victim/hello')], (r) => expect(kind(r, 'slash-dotdot')).toBe('symlink')],
    [
      '3',
      [S('loophole-victim', '../victim'), F('loophole-victim/file', 'f')],
      (r) => expect(read(r, 'victim/file')).toBe('f'),
    ],
    [
      '4',
      [S('loophole-victim', '../victim'), S('symlink', 'loophole-victim/hello')],
      (r) => expect(kind(r, 'symlink')).toBe('symlink'),
    ],
    [
      '6',
      [S('loophole-victim', '../victim'), F('loophole-victim', 'now a file')],
      (r) => expect(read(r, 'loophole-victim')).toBe('now a file'),
    ],
    [
      '7',
      [S('dir/loophole', '../../victim'), F('dir/loophole/newdir/newfile', 'n')],
      (r) => expect(read(r, 'victim/newdir/newfile')).toBe('n'),
    ],
  ];
  for (const [n, entries, check] of b7) {
    it(`B7.${n} invalid-symlink set is contained`, () =>
      runCase(async ({ root, apply }) => {
        await apply(entries);
        check(root);
      }));
  }
  it('B7.5 hardlink through a loophole to a missing target is refused', () =>
    runCase(async ({ rejects }) => {
      await rejects(
        [S('loophole-victim', '../victim'), H('hardlink', 'loophole-victim/hello')],
        'ERR_LAYER_PATH_ESCAPE',
      );
    }));
  it('B8 two-hop escape lands in <root>/victim', () =>
    runCase(async ({ root, apply }) => {
      await apply([
        D('inner'),
        S('inner/go_up', '..'),
        S('inner/go_up/escape', '../victim'),
        F('inner/go_up/escape/newfile', 'n'),
      ]);
      expect(kind(root, 'escape')).toBe('symlink');
      expect(read(root, 'victim/newfile')).toBe('n');
    }));
  it('B9 absolute symlink from a lower layer with implied directories', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('var'), S('var/run', '/run')]);
      await apply([F('var/run/existing/non-existing/file', 'f')]);
      expect(read(root, 'run/existing/non-existing/file')).toBe('f');
      expect(kind(root, 'var/run')).toBe('symlink');
    }));
  it('B10 relative escape before an absolute symlink stays in the root', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('target'), S('escape', '..'), S('absolute', '/target')]);
      await apply([F('escape/absolute/file', 'f')]);
      expect(read(root, 'target/file')).toBe('f');
    }));
  it('B11 implied directories through a lower-layer symlink', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('usr/'), D('usr/lib/'), S('lib', 'usr/lib')]);
      await apply([F('lib/systemd/system/container.service', 's')]);
      expect(kind(root, 'lib')).toBe('symlink');
      expect(read(root, 'usr/lib/systemd/system/container.service')).toBe('s');
    }));
  for (const p of [
    '/',
    '/../',
    '/../../../../../../../../../../../../../../../',
    '/./.././.././.././.././.././.././.././.././../',
    '..',
  ]) {
    it(`B12 pre-existing symlink ${JSON.stringify(p)} clamps to the root`, () =>
      runCase(async ({ root, apply }) => {
        await apply([S('link', p)]);
        await apply([F('link/file', 'container content')]);
        expect(read(root, 'file')).toBe('container content');
      }));
  }
  it('B13 (keep-dirlinks off) a directory entry replaces a symlink to a directory', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('usr'), D('usr/lib64'), S('lib64', 'usr/lib64')]);
      await apply([D('lib64'), F('lib64/x', 'x')]);
      expect(kind(root, 'lib64')).toBe('dir');
      expect(kind(root, 'usr/lib64/x')).toBeNull();
    }));
});
