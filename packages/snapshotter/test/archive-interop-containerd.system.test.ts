// Interop with containerd 1.6 (a real peer, installed by .ci/run): an image whose two
// layers are ctrkit diffs (a base, then whiteouts, a removed tree, an opaque directory,
// new hardlinks) is imported by `ctr images import`, and the tree containerd's own
// applier produces, read from a view on the top snapshot, equals the upper tree the
// diff was made from. Both of containerd's snapshotters: native (a bind-mounted copy)
// and overlayfs (its lowerdirs mounted here).
import { createReadStream, linkSync, mkdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContentStore, chainId, type Digest, ImageBuilder, MediaTypes, writeBlob } from '@ctrkit/oci-image';
import { mountSync, umountSync } from '@ctrkit/sys';
import { makeTempDir, requires, uniqueName } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffTrees } from '../src/archive/diff-trees.js';
import { describeTree } from './archive/tree-model.js';
import { type Containerd, startContainerd } from './snapshots/containerd.js';

const gate = requires('root', 'fs:overlay', 'binary:containerd', 'binary:ctr');

/** Without the root's own line: who made the root differs, not what is in it. */
const tree = (dir: string) => describeTree(dir).filter((l) => !l.startsWith('. '));

function write(root: string, files: Record<string, string>): void {
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), body);
  }
}

describe.runIf(gate.ok)('containerd applies ctrkit diffs', () => {
  let tmp = '';
  let archive = '';
  let top: Digest;
  let upper = '';
  beforeAll(async () => {
    tmp = await makeTempDir('ctrd-diff');
    const lower = join(tmp, 'lower');
    upper = join(tmp, 'upper');
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
    }
    rmSync(join(upper, 'data/deldir'), { recursive: true });
    unlinkSync(join(upper, 'etc/delete.txt'));
    unlinkSync(join(upper, 'opaque/old1'));
    unlinkSync(join(upper, 'opaque/old2'));
    write(upper, { 'opaque/new1': 'new1', 'etc/passwd': 'root:x:0:0:changed' });
    linkSync(join(upper, 'etc/passwd'), join(upper, 'etc/passwd-hard'));

    const store = await ContentStore.open(join(tmp, 'content'));
    const b = new ImageBuilder({ store, created: '2024-01-01T00:00:00Z' });
    const diffIds: Digest[] = [];
    for (const [i, [from, to]] of (
      [
        [null, lower],
        [lower, upper],
      ] as const
    ).entries()) {
      const file = join(tmp, `layer${i}.tar.gz`);
      const d = await diffTrees(from, to).toFile(file);
      const desc = { mediaType: MediaTypes.OciLayerGzip, digest: d.digest as Digest, size: statSync(file).size };
      await writeBlob(store, createReadStream(file), desc);
      await b.addLayer(desc, { diffId: d.diffId as Digest });
      diffIds.push(d.diffId as Digest);
    }
    archive = join(tmp, 'image.tar');
    await b.toDockerArchive(archive, ['ctrkit/diffs:v1']);
    top = chainId(diffIds);
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  for (const driver of ['native', 'overlayfs'] as const) {
    it(`ctr images import (${driver}) gives the upper tree`, async () => {
      let containerd: Containerd | undefined;
      const target = join(tmp, `view-${driver}`);
      mkdirSync(target);
      let mounted = false;
      try {
        containerd = await startContainerd(join(tmp, `ctrd-${driver}`), uniqueName('ns'));
        await containerd.ctr('images', 'import', '--snapshotter', driver, archive);
        await containerd.ctr('snapshots', '--snapshotter', driver, 'view', 'ctrkit-probe', top);
        const mount = await containerd.ctr('snapshots', '--snapshotter', driver, 'mounts', target, 'ctrkit-probe');
        // One line: `mount -t <type> <source> <target> -o <options>`.
        const m = /mount -t (\S+) (\S+) \S+ -o (\S+)/.exec(mount);
        if (!m) throw new Error(`unexpected mount line: ${mount}`);
        const [, type, source, options] = m;
        if (type === 'bind') {
          expect(tree(source!)).toEqual(tree(upper));
        } else {
          expect(type).toBe('overlay');
          mountSync('overlay', target, 'overlay', 0, options!);
          mounted = true;
          expect(tree(target)).toEqual(tree(upper));
        }
      } finally {
        if (mounted) umountSync(target);
        await containerd?.stop();
      }
    });
  }
});
