// unpackImage against real snapshots: chainID keys, skip of existing layers, verified
// apply (a wrong diffID or blob commits nothing), concurrent unpacks sharing layers.
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ContentStore, chainIds } from '@ctrkit/oci-image';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountAll, unmountAll } from '../src/snapshots/mount.js';
import { Snapshotter } from '../src/snapshots/snapshotter.js';
import { lgetxattrSync } from '../src/snapshots/sys.js';
import type { DriverName, SnapshotInfo } from '../src/snapshots/types.js';
import { unpackImage } from '../src/snapshots/unpack.js';
import { snapshotTree } from '../src/testsuite/context.js';
import { type BuiltImage, buildImage, type LayerSpec, storeImage } from './snapshots/image-fixture.js';

const run = promisify(execFile);

const BASE: LayerSpec = {
  'etc/a': 'alpha\n',
  'etc/b': 'beta\n',
  'bin/tool': '#!/bin/sh\n',
  'bin/alias': { hardlink: 'bin/tool' },
  'bin/sym': { link: 'tool' },
  'opaque/old1': '1',
  'opaque/old2': '2',
  'data/deldir/x': 'x',
};
const WHITEOUTS: LayerSpec = { 'etc/.wh.b': '', 'etc/c': 'gamma\n', 'data/.wh.deldir': '' };
const OPAQUE: LayerSpec = { 'opaque/.wh..wh..opq': '', 'opaque/new': 'fresh\n' };
const EXPECTED_TOP = [
  'bin/',
  'bin/alias',
  'bin/sym',
  'bin/tool',
  'data/',
  'etc/',
  'etc/a',
  'etc/c',
  'opaque/',
  'opaque/new',
];

const gate = requires('root', 'fs:overlay');

/** Runs the crash-test child in unpack mode to completion; returns which layers it applied. */
async function unpackInChild(root: string, driver: DriverName, content: string, img: BuiltImage): Promise<boolean[]> {
  const child = join(import.meta.dirname, 'snapshots', 'crash-child.ts');
  const args = [
    '--conditions=@ctrkit/source',
    '--import',
    'tsx',
    child,
    'unpack',
    root,
    driver,
    content,
    JSON.stringify(img.manifest),
  ];
  const { stdout } = await run(process.execPath, args, { cwd: join(import.meta.dirname, '..') });
  const line = stdout.split('\n').find((l) => l.startsWith('unpacked '));
  if (!line) throw new Error(`the unpack child printed no result: ${stdout}`);
  return JSON.parse(line.slice('unpacked '.length));
}

for (const driver of ['overlayfs', 'native'] as DriverName[]) {
  describe.runIf(gate.ok)(`unpackImage (${driver})`, () => {
    let dir: string;
    let store: ContentStore;
    let sn: Snapshotter;
    const mounted: string[] = [];

    beforeEach(async () => {
      dir = await makeTempDir('unpack');
      store = await ContentStore.open(join(dir, 'content'));
      sn = await Snapshotter.open(join(dir, 'snap'), { driver });
    });
    afterEach(async () => {
      for (const m of mounted.splice(0)) await unmountAll(m);
      await rm(dir, { recursive: true, force: true });
    });

    const all = async (): Promise<SnapshotInfo[]> => {
      const out: SnapshotInfo[] = [];
      for await (const i of sn.walk()) out.push(i);
      return out;
    };
    const viewTree = async (parent: string): Promise<Record<string, string>> => {
      const target = join(dir, `view-${mounted.length}`);
      await mkdir(target);
      const mounts = await sn.view(`view-${mounted.length}`, parent);
      mounted.push(target);
      await mountAll(mounts, target);
      return snapshotTree(target);
    };

    it('commits one snapshot per layer under its chainID, parents chained', async () => {
      const img = await buildImage(join(dir, 'img'), [BASE, WHITEOUTS, OPAQUE]);
      await storeImage(store, img);
      const phases: string[] = [];
      const res = await unpackImage(img.manifest, {
        contentStore: store,
        snapshotter: sn,
        onProgress: (p) => phases.push(p.phase),
      });
      const chain = chainIds(img.diffIds);
      expect(res.chainId).toBe(chain[2]);
      expect(res.layers.map((l) => l.applied)).toEqual([true, true, true]);
      const infos = await all();
      expect(infos.map((i) => [i.name, i.kind, i.parent])).toEqual(
        [
          [chain[0], 'Committed', undefined],
          [chain[1], 'Committed', chain[0]],
          [chain[2], 'Committed', chain[1]],
        ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
      expect(infos.find((i) => i.name === chain[1])?.labels['ctrkit.io/diff-id']).toBe(img.diffIds[1]);
      expect(phases).toContain('apply');
      expect(phases.at(-1)).toBe('done');
      const tree = await viewTree(res.chainId);
      expect(Object.keys(tree)).toEqual(EXPECTED_TOP);
      expect(tree['opaque/new']).toMatch(/ fresh\n$/);
      expect(tree['etc/c']).toMatch(/ gamma\n$/);
    });

    it('skips layers whose chainID already exists', async () => {
      const img = await buildImage(join(dir, 'img'), [BASE, WHITEOUTS]);
      await storeImage(store, img);
      await unpackImage(img.manifest, { contentStore: store, snapshotter: sn });
      const longer = await buildImage(join(dir, 'img2'), [BASE, WHITEOUTS, OPAQUE]);
      await storeImage(store, longer);
      const res = await unpackImage(longer.manifest, { contentStore: store, snapshotter: sn });
      expect(res.layers.map((l) => l.applied)).toEqual([false, false, true]);
      const again = await unpackImage(longer.manifest, { contentStore: store, snapshotter: sn });
      expect(again.layers.map((l) => l.applied)).toEqual([false, false, false]);
      expect((await all()).length).toBe(3);
    });

    it('a wrong diffID aborts the layer and commits nothing for it', async () => {
      const good = await buildImage(join(dir, 'good'), [BASE, WHITEOUTS]);
      const bad = await buildImage(join(dir, 'bad'), [BASE, WHITEOUTS], {
        diffIdOverride: { 1: `sha256:${'0'.repeat(64)}` },
      });
      await storeImage(store, bad);
      await expect(unpackImage(bad.manifest, { contentStore: store, snapshotter: sn })).rejects.toMatchObject({
        code: 'ERR_UNPACK_DIGEST_MISMATCH',
        message: expect.stringContaining('wrong diffID'),
      });
      const infos = await all();
      expect(infos.map((i) => i.name)).toEqual([good.diffIds[0]]); // layer 0 is fine and stays
      expect(infos.every((i) => i.kind === 'Committed')).toBe(true);
      expect((await sn.cleanup()).directories).toEqual([]);
    });

    it('a recompressed blob (same tar, other digest) is refused as a digest mismatch', async () => {
      const img = await buildImage(join(dir, 'img'), [BASE]);
      await storeImage(store, img);
      const layer = img.layers[0]!;
      const tampered = gzipSync(gunzipSync(img.blobs.get(layer.digest)!), { level: 1 });
      await writeFile(store.blobPath(layer.digest), tampered);
      await expect(unpackImage(img.manifest, { contentStore: store, snapshotter: sn })).rejects.toMatchObject({
        code: 'ERR_UNPACK_DIGEST_MISMATCH',
      });
      expect(await all()).toEqual([]);
      expect((await sn.cleanup()).directories).toEqual([]);
    });

    it('a blob with a broken gzip checksum fails with a typed error and leaves no snapshot', async () => {
      const img = await buildImage(join(dir, 'img'), [BASE]);
      await storeImage(store, img);
      const layer = img.layers[0]!;
      const blob = Buffer.from(img.blobs.get(layer.digest)!);
      blob.writeUInt8(blob.readUInt8(blob.length - 5) ^ 0xff, blob.length - 5); // inside the CRC32 trailer
      await writeFile(store.blobPath(layer.digest), blob);
      const err = await unpackImage(img.manifest, { contentStore: store, snapshotter: sn }).catch((e: unknown) => e);
      expect(['ERR_UNPACK_DIGEST_MISMATCH', 'ERR_INVALID_LAYER']).toContain((err as { code?: string }).code);
      expect(await all()).toEqual([]);
    });

    it('concurrent unpacks of images sharing layers apply each shared layer once', async () => {
      const a = await buildImage(join(dir, 'a'), [BASE, WHITEOUTS, { 'only/a': 'a' }]);
      const b = await buildImage(join(dir, 'b'), [BASE, WHITEOUTS, { 'only/b': 'b' }]);
      await storeImage(store, a);
      await storeImage(store, b);
      const other = await Snapshotter.open(sn.root, { driver }); // a second handle, as another caller would have
      let applies = 0;
      const onProgress = (p: { phase: string }) => {
        if (p.phase === 'apply') applies += 1;
      };
      const [ra, rb] = await Promise.all([
        unpackImage(a.manifest, { contentStore: store, snapshotter: sn, onProgress }),
        unpackImage(b.manifest, { contentStore: store, snapshotter: other, onProgress }),
      ]);
      expect(applies).toBe(4); // two shared layers once, plus one own layer each
      const appliedShared = [0, 1].map((i) => Number(ra.layers[i]!.applied) + Number(rb.layers[i]!.applied));
      expect(appliedShared).toEqual([1, 1]);
      expect(ra.layers[2]!.applied && rb.layers[2]!.applied).toBe(true);
      expect((await all()).map((i) => i.kind)).toEqual(['Committed', 'Committed', 'Committed', 'Committed']);
    });

    it('when a concurrent unpack of the same layer fails on its own blob, the other still succeeds', async () => {
      const broken = await buildImage(join(dir, 'broken'), [BASE], { gzipLevel: 6 });
      const fine = await buildImage(join(dir, 'fine'), [BASE], { gzipLevel: 1 });
      expect(broken.diffIds).toEqual(fine.diffIds); // same layer, other blobs
      await storeImage(store, broken);
      await storeImage(store, fine);
      const blob = Buffer.from(broken.blobs.get(broken.layers[0]!.digest)!);
      blob.writeUInt8(blob.readUInt8(blob.length - 5) ^ 0xff, blob.length - 5);
      await writeFile(store.blobPath(broken.layers[0]!.digest), blob);
      // The broken unpack starts applying first; the fine one then joins its extraction.
      let applying!: () => void;
      const started = new Promise<void>((r) => {
        applying = r;
      });
      const first = unpackImage(broken.manifest, {
        contentStore: store,
        snapshotter: sn,
        onProgress: (p) => p.phase === 'apply' && applying(),
      });
      first.catch(() => {});
      await started;
      const second = unpackImage(fine.manifest, { contentStore: store, snapshotter: sn });
      await expect(first).rejects.toMatchObject({
        code: expect.stringMatching(/^ERR_(INVALID_LAYER|UNPACK_DIGEST_MISMATCH)$/),
      });
      expect((await second).layers[0]?.applied).toBe(true);
      expect((await all()).map((i) => [i.name, i.kind])).toEqual([[fine.diffIds[0], 'Committed']]);
    });

    it('two processes unpacking images that share layers apply each shared layer once', async () => {
      const a = await buildImage(join(dir, 'a'), [BASE, WHITEOUTS, { 'only/a': 'a' }]);
      const b = await buildImage(join(dir, 'b'), [BASE, WHITEOUTS, { 'only/b': 'b' }]);
      await storeImage(store, a);
      await storeImage(store, b);
      const [ra, rb] = await Promise.all(
        [a, b].map((img) => unpackInChild(sn.root, driver, join(dir, 'content'), img)),
      );
      expect([0, 1].map((i) => Number(ra![i]) + Number(rb![i]))).toEqual([1, 1]);
      expect([ra![2], rb![2]]).toEqual([true, true]);
      const infos = await all();
      expect(infos.map((i) => i.kind)).toEqual(['Committed', 'Committed', 'Committed', 'Committed']);
      expect(Object.keys(await viewTree(infos.find((i) => i.name === chainIds(a.diffIds)[2])!.name))).toContain(
        'only/a',
      );
    });

    it('a layer blob missing from the store fails with ERR_UNPACK_BLOB_MISSING', async () => {
      const img = await buildImage(join(dir, 'img'), [BASE, WHITEOUTS]);
      await storeImage(store, img);
      await rm(store.blobPath(img.layers[1]!.digest));
      await expect(unpackImage(img.manifest, { contentStore: store, snapshotter: sn })).rejects.toMatchObject({
        code: 'ERR_UNPACK_BLOB_MISSING',
      });
      expect((await all()).map((i) => i.kind)).toEqual(['Committed']);
    });

    it('a layer without parent entries (as umoci writes) keeps the lower directory and follows lower symlinks', async () => {
      const img = await buildImage(
        join(dir, 'img'),
        [
          { 'secret/keep': 'k', 'usr/lib/a': 'a', lib: { link: 'usr/lib' } },
          { 'secret/new': 'n', 'lib/b': 'b' },
        ],
        {
          members: { 1: ['./secret/new', './lib/b'] },
          prepare: {
            0: async (d) => {
              await chmod(join(d, 'secret'), 0o700);
              await chown(join(d, 'secret'), 1, 2);
            },
          },
        },
      );
      await storeImage(store, img);
      const res = await unpackImage(img.manifest, { contentStore: store, snapshotter: sn });
      const tree = await viewTree(res.chainId);
      expect(tree['secret/']).toBe('700 1:2');
      expect(tree['secret/new']).toMatch(/ n$/);
      expect(tree.lib).toMatch(/type=10$/); // still the symlink
      expect(tree['usr/lib/b']).toMatch(/ b$/);
    });

    it('rejects a descriptor that is not an image', async () => {
      const img = await buildImage(join(dir, 'img'), [BASE]);
      await storeImage(store, img);
      await expect(unpackImage(img.config, { contentStore: store, snapshotter: sn })).rejects.toMatchObject({
        code: 'ERR_UNPACK_INVALID_IMAGE',
      });
    });

    it('stops when the signal is aborted and leaves no Active snapshot', async () => {
      const img = await buildImage(join(dir, 'img'), [BASE, WHITEOUTS]);
      await storeImage(store, img);
      const ac = new AbortController();
      const res = unpackImage(img.manifest, {
        contentStore: store,
        snapshotter: sn,
        signal: ac.signal,
        onProgress: (p) => {
          if (p.phase === 'commit' && p.done === 1) ac.abort(new Error('stop'));
        },
      });
      await expect(res).rejects.toThrow('stop');
      expect((await all()).filter((i) => i.kind !== 'Committed')).toEqual([]);
    });
  });
}

describe.runIf(gate.ok)('unpackImage (overlayfs with userxattr)', () => {
  let dir: string;
  let target: string | undefined;
  beforeEach(async () => {
    dir = await makeTempDir('unpackux');
  });
  afterEach(async () => {
    if (target) await unmountAll(target);
    target = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('writes user.overlay.* markers and mounts with userxattr to the same tree', async () => {
    const store = await ContentStore.open(join(dir, 'content'));
    const sn = await Snapshotter.open(join(dir, 'snap'), { driver: 'overlayfs', userxattr: true });
    const img = await buildImage(join(dir, 'img'), [BASE, WHITEOUTS, OPAQUE]);
    await storeImage(store, img);
    const res = await unpackImage(img.manifest, { contentStore: store, snapshotter: sn });
    const mounts = await sn.view('v', res.chainId);
    expect(mounts[0]?.options).toContain('userxattr');
    target = join(dir, 'mnt');
    await mkdir(target);
    await mountAll(mounts, target);
    expect(Object.keys(await snapshotTree(target))).toEqual(EXPECTED_TOP);
    const doc = JSON.parse(await readFile(join(sn.root, 'metadata.json'), 'utf8'));
    const upper = join(sn.root, 'snapshots', String(doc.snapshots[res.chainId].id), 'fs');
    expect(lgetxattrSync(join(upper, 'opaque'), 'user.overlay.opaque')?.toString()).toBe('y');
    expect(lgetxattrSync(join(upper, 'opaque'), 'trusted.overlay.opaque')).toBeNull();
  });
});
