import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ContentStore,
  copyImage,
  digestOf,
  ImageStore,
  MediaTypes,
  OciLayout,
  parseImageConfig,
  serializeIndex,
} from '../src/index.js';
import { sampleImage, tempDir } from './helpers/fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('bl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ImageBuilder', () => {
  it('assembles config and manifest with diff_ids, history and runtime settings', async () => {
    const { store, image, tars } = await sampleImage(dir);
    expect(image.config.rootfs.diff_ids).toEqual(tars.map((t) => digestOf(t)));
    expect(image.config.config).toEqual({
      Env: ['PATH=/bin'],
      Cmd: ['/bin/sh'],
      WorkingDir: '/',
      Labels: { 'org.example': 'yes' },
    });
    expect(image.config.history?.map((h) => h.created_by)).toEqual(['layer 0', 'layer 1']);
    expect(image.manifest.layers.map((l) => l.mediaType)).toEqual([MediaTypes.OciLayerGzip, MediaTypes.OciLayerGzip]);
    expect(parseImageConfig(await store.readBlob(image.configDescriptor))).toEqual(image.config);
    expect(await store.has(image.descriptor.digest)).toBe(true);
  });

  it('is reproducible: same inputs, same digests', async () => {
    const a = await sampleImage(join(dir, 'a'));
    const b = await sampleImage(join(dir, 'b'));
    expect(b.image.descriptor.digest).toBe(a.image.descriptor.digest);
    expect(b.image.configDescriptor.digest).toBe(a.image.configDescriptor.digest);
  });

  it('writes straight to a layout or a docker archive', async () => {
    const { store, image } = await sampleImage(dir);
    const { ImageBuilder, readDockerArchive } = await import('../src/index.js');
    const layout = await OciLayout.create(join(dir, 'out'));
    const b = new ImageBuilder({ store, created: '2023-11-14T22:13:20Z' });
    await b.addLayer(image.manifest.layers[0]!, { history: { created_by: 'layer 0' } });
    const built = await b.toLayout(layout, 'one');
    expect((await layout.resolve('one')).digest).toBe(built.descriptor.digest);
    const again = await b.toDockerArchive(join(dir, 'one.tar'), ['one:1']);
    expect(again.descriptor.digest).toBe(built.descriptor.digest);
    const [read] = await readDockerArchive(join(dir, 'one.tar'), { store: await ContentStore.open(join(dir, 'r')) });
    expect(read!.diffIds).toEqual([image.config.rootfs.diff_ids[0]]);
  });

  it('computes the diffID of a gzip layer added by descriptor', async () => {
    const { store, image } = await sampleImage(dir);
    const { ImageBuilder } = await import('../src/index.js');
    const b = new ImageBuilder({ store });
    await b.addLayer(image.manifest.layers[0]!);
    expect((await b.build()).config.rootfs.diff_ids[0]).toBe(image.config.rootfs.diff_ids[0]);
  });
});

describe('OciLayout', () => {
  it('creates a layout, copies an image in, tags, resolves, removes and collects garbage', async () => {
    const { store, image } = await sampleImage(dir);
    const layout = await OciLayout.create(join(dir, 'layout'));
    expect(JSON.parse(await readFile(join(dir, 'layout', 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0',
    });
    await layout.importImage(image.descriptor, store, { tag: 'v1' });
    await layout.addImage(image.descriptor, { tag: 'v2' });
    expect((await layout.listTags()).map((t) => t.tag)).toEqual(['v1', 'v2']);
    expect((await layout.resolve('v1')).digest).toBe(image.descriptor.digest);
    await expect(layout.resolve('nope')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await layout.removeImage('v1');
    expect(await layout.gc()).toEqual([]);
    await layout.removeImage('v2');
    expect((await layout.gc()).sort()).toEqual(
      [image.descriptor.digest, image.configDescriptor.digest, ...image.manifest.layers.map((l) => l.digest)].sort(),
    );
  });

  it('copies back from a layout into another content store', async () => {
    const { store, image } = await sampleImage(dir);
    const layout = await OciLayout.create(join(dir, 'layout'));
    await layout.importImage(image.descriptor, store, { tag: 'latest' });
    const other = await ContentStore.open(join(dir, 'other'));
    const progress: string[] = [];
    const r = await layout.exportImage('latest', other, { onProgress: (p) => progress.push(p.phase) });
    expect(r.images[0]!.config.rootfs.diff_ids).toEqual(image.config.rootfs.diff_ids);
    for (const l of image.manifest.layers) expect(await other.has(l.digest)).toBe(true);
    expect(progress[0]).toBe('resolve');
    expect(progress.at(-1)).toBe('done');
    const again = await copyImage(image.descriptor, {
      from: layout,
      to: other,
      onProgress: (p) => progress.push(p.phase),
    });
    expect(again.images).toHaveLength(1);
    expect(progress.filter((p) => p === 'skip').length).toBeGreaterThanOrEqual(2);
  });

  it('a tampered layout blob fails the copy with a digest mismatch and writes nothing', async () => {
    const { store, image } = await sampleImage(dir);
    const layout = await OciLayout.create(join(dir, 'layout'));
    await layout.importImage(image.descriptor, store, { tag: 'latest' });
    const victim = layout.blobPath(image.manifest.layers[1]!.digest);
    const bytes = await readFile(victim);
    await writeFile(victim, Buffer.concat([Buffer.from([0]), bytes.subarray(1)]));
    const other = await ContentStore.open(join(dir, 'other'));
    await expect(layout.exportImage('latest', other)).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' });
    expect(await other.has(image.manifest.layers[1]!.digest)).toBe(false);
    expect(await other.has(image.descriptor.digest)).toBe(false);
  });

  it('refuses a directory that is not a layout and a bad index.json', async () => {
    await expect(OciLayout.open(dir)).rejects.toMatchObject({ code: 'ERR_INVALID_LAYOUT' });
    const layout = await OciLayout.create(join(dir, 'l'));
    await writeFile(join(layout.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [], layers: [] }));
    await expect(OciLayout.open(layout.dir)).rejects.toMatchObject({ code: 'ERR_INVALID_INDEX' });
    await writeFile(join(layout.dir, 'index.json'), serializeIndex({ schemaVersion: 2, manifests: [] }));
    await writeFile(join(layout.dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    await expect(OciLayout.open(layout.dir)).rejects.toThrow(/expected "1.0.0"/);
  });
});

describe('ImageStore', () => {
  it('creates, gets, lists with filters, updates fields and deletes', async () => {
    const images = await ImageStore.open(join(dir, 'images'));
    const target = { mediaType: MediaTypes.OciManifest, digest: digestOf('m'), size: 1 };
    const a = await images.create({ name: 'docker.io/library/a:1', target, labels: { k: 'v' } });
    await expect(images.create({ name: 'docker.io/library/a:1', target })).rejects.toMatchObject({
      code: 'ERR_ALREADY_EXISTS',
    });
    await images.create({ name: 'docker.io/library/b:1', target });
    expect((await images.get('docker.io/library/a:1')).labels).toEqual({ k: 'v' });
    expect((await images.list('name~=/a:')).map((i) => i.name)).toEqual(['docker.io/library/a:1']);
    expect((await images.list('labels.k==v')).length).toBe(1);
    const t2 = { ...target, digest: digestOf('n') };
    const u = await images.update({ name: 'docker.io/library/a:1', target: t2, labels: { x: 'y' } }, ['labels.x']);
    expect(u.target.digest).toBe(target.digest);
    expect(u.labels).toEqual({ k: 'v', x: 'y' });
    expect(u.createdAt).toEqual(a.createdAt);
    const p = await images.put({ name: 'docker.io/library/a:1', target: t2 });
    expect(p.target.digest).toBe(t2.digest);
    await images.delete('docker.io/library/a:1');
    await expect(images.get('docker.io/library/a:1')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(images.update({ name: 'nope', target })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(
      images.create({ name: 'bad', target: { ...target, digest: 'sha256:1' as never } }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});
