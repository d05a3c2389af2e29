// Interop with containerd 1.6 (a real peer, installed by .ci/run): an image whose two
// layers are ctrkit diffs (a base, then whiteouts, a removed tree, an opaque directory,
// new hardlinks) is imported by `ctr images import`, and the tree containerd's own
// applier produces, read from a view on the top snapshot, equals the upper tree the
// diff was made from. Both of containerd's snapshotters: native (a bind-mounted copy)
// and overlayfs (its lowerdirs mounted here); gzip layers in a docker archive, and
// zstd layers (several frames each) in an OCI archive.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, linkSync, mkdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContentStore, chainId, type Digest, ImageBuilder, MediaTypes, OciLayout, writeBlob } from '@ctrkit/oci-image';
import { mountSync, umountSync } from '@ctrkit/sys';
import { makeTempDir, requires, uniqueName } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffTrees } from '../src/archive/diff-trees.js';
import { describeContents } from './archive/tree-model.js';
import { type Containerd, startContainerd } from './snapshots/containerd.js';

const gate = requires('root', 'fs:overlay', 'binary:containerd', 'binary:ctr');

function write(root: string, files: Record<string, string>): void {
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), body);
  }
}

describe.runIf(gate.ok)('containerd applies ctrkit diffs', () => {
  let tmp = '';
  const archives = { gzip: '', zstd: '' };
  const top = { gzip: '', zstd: '' };
  let upper = '';
  beforeAll(async () => {
    tmp = await makeTempDir('ctrd-diff');
    archives.gzip = join(tmp, 'gzip.docker.tar');
    archives.zstd = join(tmp, 'zstd.oci.tar');
    const lower = join(tmp, 'lower');
    upper = join(tmp, 'upper');
    const big = randomBytes(33 << 20);
    for (const r of [lower, upper]) {
      write(r, {
        'etc/passwd': 'root:x:0:0',
        'etc/delete.txt': 'bye',
        'bin/tool': 'tool',
        'data/deldir/a': 'a',
        'data/deldir/sub/b': 'b',
        'opaque/old1': 'o1',
        'opaque/old2': 'o2',
      });
      linkSync(join(r, 'bin/tool'), join(r, 'bin/link'));
      // Over 32 MiB of tar, so the zstd base layer is three 16 MiB frames.
      mkdirSync(join(r, 'big'));
      writeFileSync(join(r, 'big/blob'), big);
    }
    rmSync(join(upper, 'data/deldir'), { recursive: true });
    unlinkSync(join(upper, 'etc/delete.txt'));
    unlinkSync(join(upper, 'opaque/old1'));
    unlinkSync(join(upper, 'opaque/old2'));
    write(upper, { 'opaque/new1': 'new1', 'etc/passwd': 'root:x:0:0:changed' });
    linkSync(join(upper, 'etc/passwd'), join(upper, 'etc/passwd-hard'));

    const store = await ContentStore.open(join(tmp, 'content'));
    for (const compression of ['gzip', 'zstd'] as const) {
      const b = new ImageBuilder({ store, created: '2024-01-01T00:00:00Z' });
      const diffIds: Digest[] = [];
      for (const [i, [from, to]] of (
        [
          [null, lower],
          [lower, upper],
        ] as const
      ).entries()) {
        const file = join(tmp, `layer${i}.${compression}`);
        const d = await diffTrees(from, to, { compression }).toFile(file);
        const mediaType = compression === 'gzip' ? MediaTypes.OciLayerGzip : MediaTypes.OciLayerZstd;
        const desc = { mediaType, digest: d.digest as Digest, size: statSync(file).size };
        await writeBlob(store, createReadStream(file), desc);
        await b.addLayer(desc, { diffId: d.diffId as Digest });
        diffIds.push(d.diffId as Digest);
      }
      if (compression === 'gzip') {
        await b.toDockerArchive(archives.gzip, ['ctrkit/diffs:v1']);
      } else {
        const layout = await OciLayout.create(join(tmp, 'layout'));
        await b.toLayout(layout, 'v1');
        execFileSync('tar', ['-C', join(tmp, 'layout'), '-cf', archives.zstd, '.']);
      }
      top[compression] = chainId(diffIds)!;
    }
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const cases = [
    ['native', 'gzip'],
    ['overlayfs', 'gzip'],
    ['overlayfs', 'zstd'],
  ] as const;
  for (const [driver, compression] of cases) {
    it(`ctr images import (${driver}, ${compression} layers) gives the upper tree`, async () => {
      let containerd: Containerd | undefined;
      const target = join(tmp, `view-${driver}-${compression}`);
      mkdirSync(target);
      let mounted = false;
      try {
        containerd = await startContainerd(join(tmp, `ctrd-${driver}-${compression}`), uniqueName('ns'));
        const named = compression === 'zstd' ? ['--index-name', 'ctrkit/diffs:zstd'] : [];
        await containerd.ctr('images', 'import', '--snapshotter', driver, ...named, archives[compression]);
        const [m] = await containerd.view(driver, 'ctrkit-probe', top[compression]);
        if (m?.type === 'bind') {
          expect(describeContents(m.source)).toEqual(describeContents(upper));
        } else {
          expect(m?.type).toBe('overlay');
          mountSync('overlay', target, 'overlay', 0, m!.options.join(','));
          mounted = true;
          expect(describeContents(target)).toEqual(describeContents(upper));
        }
      } finally {
        if (mounted) umountSync(target);
        await containerd?.stop();
      }
    });
  }
});
