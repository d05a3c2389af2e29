// The overlay path: apply in overlay mode into an upperdir and mount it over the lower
// (the merged view equals a plain apply), diffOverlayUpper on a real overlay mount, and
// moby's TestOverlayTarUntar (D16): opaque dirs and 0/0 devices both ways.
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lgetxattrSync, lsetxattrSync, makedev, mknodSync, mountSync, S, umountSync } from '@ctrkit/sys';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyLayer } from '../src/archive/apply-layer.js';
import { diffOverlayUpper } from '../src/archive/diff-trees.js';
import { buildTar, D, F, parseAll, S as Sym, W } from './archive/tar-helpers.js';
import { describeTree } from './archive/tree-model.js';

const gate = requires('root', 'openat2', 'fs:overlay');

async function bytes(s: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of s) parts.push(c);
  return Buffer.concat(parts);
}

describe.runIf(gate.ok)('overlay path', () => {
  let tmp = '';
  const mounts: string[] = [];
  beforeEach(async () => {
    tmp = await makeTempDir('ovl');
  });
  afterEach(() => {
    for (const m of mounts.splice(0).reverse()) umountSync(m);
    rmSync(tmp, { recursive: true, force: true });
  });
  const dirs = (...names: string[]): string[] =>
    names.map((n) => {
      const p = join(tmp, n);
      mkdirSync(p, { recursive: true });
      return p;
    });
  const dirs5 = (...n: [string, string, string, string, string]) =>
    dirs(...n) as [string, string, string, string, string];
  const mount = (lower: string, upper: string, work: string, merged: string) => {
    mountSync('overlay', merged, 'overlay', 0, `lowerdir=${lower},upperdir=${upper},workdir=${work}`);
    mounts.push(merged);
  };

  it('in a directory the layer created, a whiteout device and then the same name as a file or a directory replace each other', async () => {
    // The applier skips the existence check for names a fresh directory cannot hold;
    // a same-layer whiteout device is the one thing that can be there without an entry.
    const [upper] = dirs('upper');
    const layer = buildTar([D('n'), W('n/.wh.x'), F('n/x', 'file'), W('n/.wh.y'), D('n/y'), F('n/y/z', 'z'), D('n/w')]);
    await applyLayer(upper!, [layer], { whiteouts: 'overlay' });
    expect(readFileSync(join(upper!, 'n/x'), 'utf8')).toBe('file');
    expect(statSync(join(upper!, 'n/y')).isDirectory()).toBe(true);
    expect(readFileSync(join(upper!, 'n/y/z'), 'utf8')).toBe('z');
    expect(statSync(join(upper!, 'n/w')).isDirectory()).toBe(true);
    const plain = buildTar([D('m'), F('m/a', '1'), D('m/a'), F('m/a/b', '2'), F('m/a', '3')]);
    const [root] = dirs('plain');
    await applyLayer(root!, [plain]);
    expect(readFileSync(join(root!, 'm/a'), 'utf8')).toBe('3');
  });

  it('overlay-mode apply into an upperdir, mounted, equals a plain apply', async () => {
    const [lower, upper, work, merged, plain] = dirs5('lower', 'upper', 'work', 'merged', 'plain');
    const base = buildTar([
      D('etc'),
      F('etc/a', 'a'),
      F('etc/b', 'b'),
      D('old'),
      F('old/x', 'x'),
      D('keep'),
      F('keep/k', 'k'),
      Sym('l', 'etc/a'),
    ]);
    const layer = buildTar([
      W('etc/.wh.a'),
      F('etc/c', 'c'),
      W('.wh.old'),
      D('old'),
      F('old/new', 'n'),
      D('keep'),
      W('keep/.wh..wh..opq'),
      F('keep/fresh', 'f'),
      W('.wh.l'),
    ]);
    await applyLayer(lower, [base]);
    await applyLayer(plain, [base]);
    await applyLayer(plain, [layer]);
    await applyLayer(upper, [layer], { whiteouts: 'overlay' });
    expect(lgetxattrSync(join(upper, 'old'), 'trusted.overlay.opaque')?.toString()).toBe('y');
    mount(lower, upper, work, merged);
    const withoutRoot = (d: string) => describeTree(d).filter((l) => !l.startsWith('. ') && !l.includes(' dir '));
    expect(withoutRoot(merged)).toEqual(withoutRoot(plain));
  });

  it('X6 lower-layer symlinks are followed when applying into an upperdir (B9, B11, C9 with lowerdirs)', async () => {
    const [lower, upper, work, merged, plain] = dirs5('lower', 'upper', 'work', 'merged', 'plain');
    const l1 = buildTar([
      D('usr', 0o755),
      D('usr/lib', 0o750),
      Sym('lib', 'usr/lib'),
      D('var'),
      Sym('var/run', '/run'),
      D('run'),
    ]);
    const l2 = buildTar([
      F('lib/systemd/system/container.service', 's'),
      F('var/run/existing/non-existing/file', 'f'),
      F('var/run/source', 'src'),
      { name: 'var/run/link', type: 'hardlink', linkname: 'var/run/source', mode: 0o644 },
    ]);
    await applyLayer(lower, [l1]);
    await applyLayer(plain, [l1]);
    await applyLayer(plain, [l2]);
    await applyLayer(upper, [l2], { whiteouts: 'overlay', lowerdirs: [lower] });
    expect(readFileSync(join(upper, 'usr/lib/systemd/system/container.service'), 'utf8')).toBe('s');
    expect(statSync(join(upper, 'usr/lib')).mode & 0o777).toBe(0o750);
    mount(lower, upper, work, merged);
    const view = (d: string) => describeTree(d).filter((l) => !l.startsWith('. ') && !l.includes(' dir '));
    expect(view(merged)).toEqual(view(plain));
    await expect(applyLayer(plain, [l1], { lowerdirs: [lower] })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });

  it('C11 materialize: a hardlink to a file only a lower layer has is copied up, then linked', async () => {
    const [l1, l2, upper, work, merged] = dirs5('l1', 'l2', 'upper', 'work', 'merged');
    const t = { sec: 1_600_000_000, nsec: 5 };
    await applyLayer(l1, [
      buildTar([
        D('usr'),
        D('usr/bin'),
        { ...F('usr/bin/tool', 'tool'), mode: 0o751, uid: 7, gid: 8, mtime: t, xattrs: [['user.k', Buffer.from('v')]] },
        D('gone'),
        F('gone/f', 'hidden'),
        D('opq'),
        F('opq/f', 'hidden'),
      ]),
    ]);
    // The layer above whites out gone/ and makes opq/ opaque: their files are not in the merged view.
    await applyLayer(l2, [buildTar([W('.wh.gone'), D('opq'), W('opq/.wh..wh..opq')])], { whiteouts: 'overlay' });
    const lowers = [l2!, l1!];
    const link = (name: string, target: string) =>
      buildTar([{ name, type: 'hardlink' as const, linkname: target, mode: 0o644 }]);
    await expect(
      applyLayer(upper!, [link('usr/bin/alias', 'usr/bin/tool')], { whiteouts: 'overlay', lowerdirs: lowers }),
    ).rejects.toMatchObject({ code: 'ERR_LAYER_PATH_ESCAPE' });
    const opts = { whiteouts: 'overlay' as const, lowerdirs: lowers, hardlinkToLower: 'materialize' as const };
    await applyLayer(upper!, [link('usr/bin/alias', 'usr/bin/tool')], opts);
    const copy = statSync(join(upper!, 'usr/bin/tool'));
    expect(statSync(join(upper!, 'usr/bin/alias')).ino).toBe(copy.ino);
    expect([copy.mode & 0o7777, copy.uid, copy.gid, copy.mtimeMs]).toEqual([0o751, 7, 8, 1_600_000_000_000]);
    expect(lgetxattrSync(join(upper!, 'usr/bin/tool'), 'user.k')?.toString()).toBe('v');
    for (const hidden of ['gone/f', 'opq/f']) {
      await expect(applyLayer(upper!, [link('x', hidden)], opts)).rejects.toMatchObject({
        code: 'ERR_LAYER_PATH_ESCAPE',
      });
    }
    mount(lowers.join(':'), upper!, work!, merged!);
    expect(readFileSync(join(merged!, 'usr/bin/alias'), 'utf8')).toBe('tool');
    expect(statSync(join(merged!, 'usr/bin/alias')).ino).toBe(statSync(join(merged!, 'usr/bin/tool')).ino);
    await expect(
      applyLayer(upper!, [link('y', 'usr/bin/tool')], { ...opts, hardlinkToLower: 'copy' as 'error' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('diffOverlayUpper on a real mount gives the layer that turns lower into merged', async () => {
    const [lower, upper, work, merged, target] = dirs5('lower', 'upper', 'work', 'merged', 'target');
    const base = buildTar([
      D('a'),
      F('a/one', '1'),
      F('a/two', '2'),
      D('b'),
      F('b/x', 'x'),
      D('r'),
      F('r/old', 'o'),
      F('top', 't'),
    ]);
    await applyLayer(lower, [base]);
    await applyLayer(target, [base]);
    mount(lower, upper, work, merged);
    writeFileSync(join(merged, 'a/one'), 'changed');
    rmSync(join(merged, 'a/two'));
    rmSync(join(merged, 'b'), { recursive: true });
    rmSync(join(merged, 'r'), { recursive: true });
    mkdirSync(join(merged, 'r'));
    writeFileSync(join(merged, 'r/new'), 'n');
    writeFileSync(join(merged, 'added'), 'added');
    chmodSync(join(merged, 'top'), 0o600);
    const layer = await bytes(diffOverlayUpper(upper, [lower], { compression: 'none' }));
    const names = parseAll(layer).entries.map((e) => e.header.name);
    expect(names).toContain('a/.wh.two');
    expect(names).toContain('.wh.b');
    expect(names).toContain('r/.wh..wh..opq');
    await applyLayer(target, [layer]);
    const files = (d: string) =>
      describeTree(d)
        .filter((l) => !l.startsWith('. '))
        .map((l) =>
          l
            .split(' ')
            .filter((_, i) => i !== 4)
            .join(' '),
        );
    expect(files(target)).toEqual(files(merged));
  });

  it('D16 TestOverlayTarUntar: opaque dirs and 0/0 devices, both ways, no overlay xattr records', async () => {
    const [src, back] = dirs('src', 'back') as [string, string];
    for (const [d, mode] of [
      ['d1', 0o700],
      ['d2', 0o750],
      ['d3', 0o700],
    ] as const) {
      mkdirSync(join(src, d));
      chmodSync(join(src, d), mode);
    }
    writeFileSync(join(src, 'd1/f1'), '');
    chmodSync(join(src, 'd1/f1'), 0o600);
    writeFileSync(join(src, 'd2/f1'), '');
    lsetxattrSync(join(src, 'd1'), 'trusted.overlay.opaque', Buffer.from('y'));
    lsetxattrSync(join(src, 'd2'), 'trusted.overlay.opaque', Buffer.from('y'));
    mknodSync(join(src, 'd3/f1'), S.IFCHR, makedev(0, 0));
    const layer = await bytes(diffOverlayUpper(src, [], { compression: 'none' }));
    const entries = parseAll(layer).entries;
    expect(entries.map((e) => e.header.name)).toEqual([
      './',
      'd1/',
      'd1/.wh..wh..opq',
      'd1/f1',
      'd2/',
      'd2/.wh..wh..opq',
      'd2/f1',
      'd3/',
      'd3/.wh.f1',
    ]);
    for (const e of entries) expect([...e.header.xattrs.keys()].filter((k) => k.includes('overlay'))).toEqual([]);
    expect(entries.some((e) => e.header.type === 'char')).toBe(false);
    await applyLayer(back, [layer], { whiteouts: 'overlay' });
    // The 0/0 device is re-made by the apply, so its own mtime is new; everything else
    // matches, to the second (what the default diff keeps of an mtime).
    const same = (d: string) => describeTree(d, { seconds: true }).filter((l) => !l.startsWith('d3/f1 '));
    expect(same(back)).toEqual(same(src));
    expect(describeTree(back).find((l) => l.startsWith('d3/f1 '))).toMatch(/^d3\/f1 char 0 0:0 .* 0:0$/);
    expect(lgetxattrSync(join(back, 'd1'), 'trusted.overlay.opaque')?.toString()).toBe('y');
    expect(readFileSync(join(back, 'd1/f1'), 'utf8')).toBe('');
  });
});
