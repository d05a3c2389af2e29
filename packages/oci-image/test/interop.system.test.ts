// Interop with the real peers: umoci builds, skopeo converts and inspects, containerd's
// `ctr images import` records snapshot keys that must equal our chainIDs.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requires, uniqueName } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContentStore,
  chainIds,
  ImageStore,
  OciLayout,
  pull,
  readDockerArchive,
  writeDockerArchive,
} from '../src/index.js';
import { startContainerd, type TestContainerd } from './helpers/containerd.js';
import { sampleImage, tempDir } from './helpers/fixtures.js';
import { buildUmociImage } from './helpers/umoci-image.js';

const run = promisify(execFile);
const sh = async (cmd: string, ...args: string[]) => (await run(cmd, args, { maxBuffer: 64 << 20 })).stdout;

describe.runIf(requires('root', 'binary:umoci', 'binary:skopeo', 'binary:containerd', 'binary:ctr', 'fs:overlay').ok)(
  'umoci -> skopeo docker-archive -> ctrkit and ctr',
  () => {
    let dir: string;
    let containerd: TestContainerd | undefined;
    beforeAll(async () => {
      dir = await tempDir('interop');
      await buildUmociImage(join(dir, 'umoci'), dir);
      containerd = await startContainerd(uniqueName('ns'));
    });
    afterAll(async () => {
      await containerd?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('reads the archive; its diffIDs and chainIDs are the snapshot keys ctr images import commits', async () => {
      const archive = join(dir, 'umoci.tar');
      await sh('skopeo', 'copy', `oci:${join(dir, 'umoci')}:v2`, `docker-archive:${archive}:example/umoci:v2`);
      const store = await ContentStore.open(join(dir, 'cs'));
      const images = await ImageStore.open(join(dir, 'images'));
      const [img] = await readDockerArchive(archive, { store, images });
      expect(img!.names).toEqual(['docker.io/example/umoci:v2']);
      expect(img!.diffIds).toHaveLength(2);
      // skopeo stores layers uncompressed: sha256 of each layer file is its diffID.
      expect(img!.manifest.layers.map((l) => l.digest)).toEqual(img!.diffIds);

      await containerd!.ctr('images', 'import', '--snapshotter', 'native', archive);
      const snaps = await containerd!.ctr('snapshots', '--snapshotter', 'native', 'ls');
      const rows = snaps
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/));
      const keys = new Map(
        rows.map((r) => [r[0], r.length === 2 ? { parent: '', kind: r[1] } : { parent: r[1], kind: r[2] }]),
      );
      const [c0, c1] = img!.chainIds;
      expect(keys.get(c0!)).toEqual({ parent: '', kind: 'Committed' });
      expect(keys.get(c1!)).toEqual({ parent: c0, kind: 'Committed' });
      const list = await containerd!.ctr('images', 'ls');
      expect(list).toContain('docker.io/example/umoci:v2');
    });

    it('ctr images import accepts an archive ctrkit wrote, committing our chainIDs', async () => {
      const { store, image } = await sampleImage(join(dir, 'mine'), { layers: 3 });
      const file = join(dir, 'ctrkit.tar');
      await writeDockerArchive([{ names: ['example/ctrkit:v3'], target: image.descriptor }], file, { store });
      await containerd!.ctr('images', 'import', '--snapshotter', 'native', file);
      const snaps = await containerd!.ctr('snapshots', '--snapshotter', 'native', 'ls');
      const keys = new Set(
        snaps
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.trim().split(/\s+/)[0]),
      );
      for (const c of chainIds(image.config.rootfs.diff_ids)) expect(keys.has(c)).toBe(true);
      expect(await containerd!.ctr('images', 'ls')).toContain('docker.io/example/ctrkit:v3');
    });

    it('pulls the umoci layout itself (manifests without mediaType)', async () => {
      const store = await ContentStore.open(join(dir, 'cs2'));
      const layout = await OciLayout.open(join(dir, 'umoci'));
      const desc = await layout.resolve('v2');
      expect(JSON.parse(await readFile(layout.blobPath(desc.digest), 'utf8')).mediaType).toBeUndefined();
      const r = await pull('v2', { store, layout });
      // The type comes from the index.json descriptor.
      expect(r.images[0]!.manifest.mediaType).toBe(desc.mediaType);
      expect(r.diffIds).toHaveLength(2);
    });
  },
);

describe.runIf(requires('binary:umoci', 'binary:skopeo').ok)('ctrkit output read by skopeo and umoci', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('interop2');
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a layout written by ctrkit passes skopeo inspect and umoci stat, and round-trips through skopeo docker-archive', async () => {
    const { store, image } = await sampleImage(join(dir, 'a'));
    const layout = await OciLayout.create(join(dir, 'layout'));
    await layout.importImage(image.descriptor, store, { tag: 'v1' });
    const info = JSON.parse(await sh('skopeo', 'inspect', `oci:${layout.dir}:v1`));
    expect(info.Digest).toBe(image.descriptor.digest);
    expect(info.Layers).toEqual(image.manifest.layers.map((l) => l.digest));
    expect(info.Env).toEqual(['PATH=/bin']);
    const stat = await sh('umoci', 'stat', '--image', `${layout.dir}:v1`);
    expect(stat).toContain('layer 0');
    const raw = await sh('skopeo', 'inspect', '--raw', `oci:${layout.dir}:v1`);
    expect(raw).toBe((await readFile(layout.blobPath(image.descriptor.digest))).toString());

    const archive = join(dir, 'skopeo.tar');
    await sh('skopeo', 'copy', `oci:${layout.dir}:v1`, `docker-archive:${archive}:example/ctrkit:v1`);
    const back = await ContentStore.open(join(dir, 'back'));
    const [img] = await readDockerArchive(archive, { store: back });
    expect(img!.diffIds).toEqual(image.config.rootfs.diff_ids);
    expect(img!.config).toEqual(image.config);
    expect(img!.manifest.config.digest).toBe(image.configDescriptor.digest);
  });

  it('a docker archive written by ctrkit is read by skopeo inspect docker-archive', async () => {
    const { store, image } = await sampleImage(join(dir, 'b'), { layers: 3 });
    const file = join(dir, 'ctrkit.tar');
    await writeDockerArchive([{ names: ['example/ctrkit:v3'], target: image.descriptor }], file, { store });
    const info = JSON.parse(await sh('skopeo', 'inspect', `docker-archive:${file}`));
    expect(info.Layers).toEqual(image.config.rootfs.diff_ids);
    expect(info.Architecture).toBe('amd64');
    expect(info.RepoTags).toEqual([]);
    const cfg = JSON.parse(await sh('skopeo', 'inspect', '--config', `docker-archive:${file}`));
    expect(cfg.rootfs.diff_ids).toEqual(image.config.rootfs.diff_ids);
    // And skopeo can copy it on into an OCI layout that we read back.
    await sh('skopeo', 'copy', `docker-archive:${file}`, `oci:${join(dir, 'fromarchive')}:v3`);
    const back = await ContentStore.open(join(dir, 'back2'));
    const r = await pull('v3', { store: back, layout: join(dir, 'fromarchive') });
    expect(r.diffIds).toEqual(image.config.rootfs.diff_ids);
  });
});
