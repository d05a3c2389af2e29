// Interop with umoci (a real peer, installed by .ci/run): for an image built with
// umoci (several layers, whiteouts, hardlinks, a hand-made opaque layer), applying its
// layers with ctrkit gives the same tree as `umoci unpack`; and a layer made by
// ctrkit's diffTrees, added with `umoci raw add-layer`, unpacks with umoci to the
// upper tree it was diffed from.
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLayer } from '../src/archive/apply-layer.js';
import { diffTrees } from '../src/archive/diff-trees.js';
import { buildTar, D, F, W } from './archive/tar-helpers.js';
import { describeContents, describeTree } from './archive/tree-model.js';

const gate = requires('root', 'openat2', 'binary:umoci');
const umoci = (...args: string[]) => execFileSync('umoci', args, { stdio: ['ignore', 'pipe', 'pipe'] });

/** Layer blob paths of a tag in an OCI layout, bottom first. */
function layers(img: string, tag: string): string[] {
  const index = JSON.parse(readFileSync(join(img, 'index.json'), 'utf8'));
  const desc = index.manifests.find(
    (m: { annotations?: Record<string, string> }) => m.annotations?.['org.opencontainers.image.ref.name'] === tag,
  );
  const blob = (d: string) => join(img, 'blobs', ...d.split(':'));
  const manifest = JSON.parse(readFileSync(blob(desc.digest), 'utf8'));
  return manifest.layers.map((l: { digest: string }) => blob(l.digest));
}

/** Tree descriptions without the root's own line (umoci and we differ only in who made the root). */
const tree = (dir: string) => describeTree(dir).filter((l) => !l.startsWith('. '));

describe.runIf(gate.ok)('interop with umoci', () => {
  let tmp = '';
  let img = '';
  beforeAll(async () => {
    tmp = await makeTempDir('umoci');
    img = join(tmp, 'img');
    umoci('init', '--layout', img);
    umoci('new', '--image', `${img}:v0`);
    // v1: a base with hardlinks and directories to delete later.
    umoci('unpack', '--image', `${img}:v0`, join(tmp, 'b1'));
    const r1 = join(tmp, 'b1', 'rootfs');
    for (const d of ['etc', 'bin', 'data/deldir/sub', 'opaque', 'recreated'])
      mkdirSync(join(r1, d), { recursive: true });
    writeFileSync(join(r1, 'etc/passwd'), 'root:x:0:0');
    writeFileSync(join(r1, 'etc/delete.txt'), 'bye');
    writeFileSync(join(r1, 'bin/tool'), 'tool');
    linkSync(join(r1, 'bin/tool'), join(r1, 'bin/link'));
    writeFileSync(join(r1, 'data/deldir/a'), 'a');
    writeFileSync(join(r1, 'data/deldir/sub/b'), 'b');
    for (const f of ['opaque/old1', 'opaque/old2', 'recreated/r1', 'recreated/r2']) writeFileSync(join(r1, f), f);
    umoci('repack', '--image', `${img}:v1`, join(tmp, 'b1'));
    // v2: whiteouts (files and a tree), a new hardlink, contents replaced in place.
    umoci('unpack', '--image', `${img}:v1`, join(tmp, 'b2'));
    const r2 = join(tmp, 'b2', 'rootfs');
    rmSync(join(r2, 'data/deldir'), { recursive: true });
    unlinkSync(join(r2, 'etc/delete.txt'));
    unlinkSync(join(r2, 'opaque/old1'));
    unlinkSync(join(r2, 'opaque/old2'));
    writeFileSync(join(r2, 'opaque/new1'), 'new1');
    linkSync(join(r2, 'etc/passwd'), join(r2, 'etc/passwd-hard'));
    umoci('repack', '--image', `${img}:v2`, join(tmp, 'b2'));
    // v3: the hand-made opaque layer umoci itself cannot produce.
    const opq = join(tmp, 'opaque.tar');
    writeFileSync(opq, buildTar([D('recreated'), W('recreated/.wh..wh..opq'), F('recreated/fresh', 'fresh')]));
    umoci('raw', 'add-layer', '--image', `${img}:v2`, '--tag', 'v3', opq);
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('ctrkit apply of every layer equals umoci unpack', async () => {
    umoci('unpack', '--image', `${img}:v3`, join(tmp, 'ref'));
    const ours = join(tmp, 'ours');
    mkdirSync(ours);
    const blobs = layers(img, 'v3');
    expect(blobs.length).toBe(3);
    for (const b of blobs) {
      const r = await applyLayer(ours, b, { onWarning: () => {} });
      expect(`sha256:${b.split('/').pop()}`).toBe(r.compressedDigest);
    }
    expect(tree(ours)).toEqual(tree(join(tmp, 'ref', 'rootfs')));
    expect(readFileSync(join(ours, 'recreated/fresh'), 'utf8')).toBe('fresh');
    expect(tree(ours).some((l) => l.startsWith('recreated/r1'))).toBe(false);
  });

  it('a ctrkit diff added with umoci raw add-layer unpacks to the upper tree', async () => {
    const lower = join(tmp, 'b1', 'rootfs');
    const upper = join(tmp, 'b2', 'rootfs');
    const diff = join(tmp, 'diff.tar');
    await diffTrees(lower, upper, { compression: 'none' }).toFile(diff);
    umoci('raw', 'add-layer', '--image', `${img}:v1`, '--tag', 'ctk', diff);
    umoci('unpack', '--image', `${img}:ctk`, join(tmp, 'ctk'));
    expect(describeContents(join(tmp, 'ctk', 'rootfs'))).toEqual(describeContents(upper));
  });
});
