// Interop with containerd 1.6: after `ctr images import` of an image, containerd's
// snapshot names, parents and kinds equal those unpackImage creates for the same image,
// and (overlayfs) each layer's upperdir holds the same tree, whiteout devices and
// opaque xattrs included.
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ContentStore } from '@ctrkit/oci-image';
import { makeTempDir, requires, uniqueName } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Snapshotter } from '../src/snapshots/snapshotter.js';
import { lgetxattrSync } from '../src/snapshots/sys.js';
import { unpackImage } from '../src/snapshots/unpack.js';
import { snapshotTree } from '../src/testsuite/context.js';
import { type Containerd, startContainerd } from './snapshots/containerd.js';
import { buildImage, type LayerSpec, storeImage, writeLayout } from './snapshots/image-fixture.js';

const gate = requires('root', 'fs:overlay', 'binary:containerd', 'binary:ctr', 'binary:skopeo');

const LAYERS: LayerSpec[] = [
  {
    'etc/a': 'a\n',
    'etc/b': 'b\n',
    'bin/tool': 't',
    'bin/link': { hardlink: 'bin/tool' },
    'r/old': 'o',
    'gone/x': 'x',
  },
  { 'etc/.wh.b': '', 'etc/c': 'c\n', '.wh.gone': '' },
  { 'r/.wh..wh..opq': '', 'r/fresh': 'fresh\n' },
];

interface Row {
  name: string;
  parent: string;
  kind: string;
}

describe.runIf(gate.ok)('containerd interop', () => {
  let dir: string;
  let containerd: Containerd | undefined;
  beforeEach(async () => {
    dir = await makeTempDir('ctrd');
  });
  afterEach(async () => {
    await containerd?.stop();
    containerd = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  for (const driver of ['overlayfs', 'native'] as const) {
    it(`snapshot names after unpackImage equal ctr snapshots ls (${driver})`, async () => {
      const img = await buildImage(join(dir, 'img'), LAYERS);
      await writeLayout(join(dir, 'layout'), img, 'v1');
      const archive = join(dir, 'image.tar');
      execFileSync('skopeo', [
        'copy',
        '-q',
        `oci:${join(dir, 'layout')}:v1`,
        `docker-archive:${archive}:ctrkit/interop:v1`,
      ]);

      containerd = await startContainerd(join(dir, 'ctrd'), uniqueName('ns'));
      await containerd.ctr('images', 'import', '--snapshotter', driver, archive);
      const theirs = parseSnapshots(await containerd.ctr('snapshots', '--snapshotter', driver, 'ls'));

      const store = await ContentStore.open(join(dir, 'content'));
      await storeImage(store, img);
      const sn = await Snapshotter.open(join(dir, 'ours'), { driver });
      const res = await unpackImage(img.manifest, { contentStore: store, snapshotter: sn });
      const ours: Row[] = [];
      for await (const i of sn.walk()) ours.push({ name: i.name, parent: i.parent ?? '', kind: i.kind });

      expect(ours.length).toBe(3);
      expect(sortRows(ours)).toEqual(sortRows(theirs));
      expect(theirs.map((r) => r.name)).toContain(res.chainId);

      if (driver === 'overlayfs') {
        const theirDirs = await containerdLayerDirs(containerd, res.chainId);
        expect(Object.keys(theirDirs).sort()).toEqual(ours.map((r) => r.name).sort());
        const ourIds = JSON.parse(
          execFileSync('cat', [join(sn.root, 'metadata.json')], { encoding: 'utf8' }),
        ).snapshots;
        let compared = 0;
        for (const [chainId, theirDir] of Object.entries(theirDirs)) {
          const ourDir = join(sn.root, 'snapshots', String(ourIds[chainId].id), 'fs');
          expect(await snapshotTree(ourDir), chainId).toEqual(await snapshotTree(theirDir));
          expect(opaque(ourDir, 'r'), chainId).toBe(opaque(theirDir, 'r'));
          compared += 1;
        }
        expect(compared).toBe(3);
      }
    });
  }
});

function parseSnapshots(out: string): Row[] {
  return out
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .map((f) =>
      f.length === 3 ? { name: f[0]!, parent: f[1]!, kind: f[2]! } : { name: f[0]!, parent: '', kind: f[1]! },
    );
}

function sortRows(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => a.name.localeCompare(b.name));
}

/** chainID → containerd's upperdir, read from the lowerdir order of a view on the top layer. */
async function containerdLayerDirs(c: Containerd, top: string): Promise<Record<string, string>> {
  const key = 'ctrkit-probe-view';
  const mounts = await c.view('overlayfs', key, top);
  await c.ctr('snapshots', 'rm', key);
  const lower = mounts[0]?.options.find((o) => o.startsWith('lowerdir='))?.slice('lowerdir='.length);
  if (!lower) throw new Error(`no lowerdir in ${JSON.stringify(mounts)}`);
  const dirs = lower.split(':'); // top layer first
  const chain: string[] = [];
  for (let k: string | undefined = top; k; ) {
    chain.push(k);
    const info = JSON.parse(await c.ctr('snapshots', 'info', k));
    k = info.Parent || undefined;
  }
  return Object.fromEntries(chain.map((k, i) => [k, dirs[i]!]));
}

function opaque(dir: string, sub: string): string | null {
  try {
    return lgetxattrSync(join(dir, sub), 'trusted.overlay.opaque')?.toString() ?? null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
}
