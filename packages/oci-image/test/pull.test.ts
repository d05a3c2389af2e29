import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BlobReader,
  ContentStore,
  copyImage,
  type Descriptor,
  ErrorCodes,
  ImageStore,
  OciImageError,
  OciLayout,
  pull,
  writeDockerArchive,
} from '../src/index.js';
import { sampleImage, tempDir } from './helpers/fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('pull');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pull from layouts and archives', () => {
  it('pulls a layout tag and records it; pulls an archive by RepoTag', async () => {
    const { store, image } = await sampleImage(dir);
    const layout = await OciLayout.create(join(dir, 'layout'));
    await layout.importImage(image.descriptor, store, { tag: 'v1' });
    const target = await ContentStore.open(join(dir, 't'));
    const images = await ImageStore.open(join(dir, 'images'));
    const r = await pull('v1', { store: target, images, layout: layout.dir });
    expect(r.chainIds).toHaveLength(2);
    expect((await images.get('v1')).target.digest).toBe(image.descriptor.digest);

    const file = join(dir, 'a.tar');
    await writeDockerArchive([{ names: ['example/a:1'], target: image.descriptor }], file, { store });
    const r2 = await pull('example/a:1', { store: target, images, archive: file });
    expect(r2.name).toBe('docker.io/example/a:1');
    expect(r2.diffIds).toEqual(image.config.rootfs.diff_ids);
    await expect(pull('v1', { store: target })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('an aborted pull rejects with the signal reason', async () => {
    const { store, image } = await sampleImage(dir);
    const layout = await OciLayout.create(join(dir, 'layout'));
    await layout.importImage(image.descriptor, store, { tag: 'v1' });
    const ac = new AbortController();
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(
      pull('v1', { store: await ContentStore.open(join(dir, 't')), layout, signal: ac.signal }),
    ).rejects.toBe(reason);
  });

  it('copyImage keeps at most `concurrency` blob fetches in flight', async () => {
    const { store, image } = await sampleImage(dir, { layers: 5 });
    let inFlight = 0;
    let peak = 0;
    const slow: BlobReader = {
      async fetch(desc: Descriptor, offset?: number) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        const body = await store.fetch(desc, offset);
        inFlight--;
        return body;
      },
    };
    await copyImage(image.descriptor, { from: slow, to: await ContentStore.open(join(dir, 't')), concurrency: 2 });
    // The manifest is read first, alone; then the config and the layers, at most two at a time.
    expect(peak).toBe(2);
  });
});

describe('error codes', () => {
  it('are stable API (only ever added)', () => {
    expect(Object.keys(ErrorCodes)).toMatchInlineSnapshot(`
      [
        "ERR_INVALID_DIGEST",
        "ERR_DIGEST_MISMATCH",
        "ERR_SIZE_MISMATCH",
        "ERR_INVALID_DESCRIPTOR",
        "ERR_INVALID_MANIFEST",
        "ERR_INVALID_INDEX",
        "ERR_INVALID_CONFIG",
        "ERR_SCHEMA1_UNSUPPORTED",
        "ERR_UNSUPPORTED_MEDIA_TYPE",
        "ERR_DOCUMENT_TOO_LARGE",
        "ERR_LAYER_COUNT_MISMATCH",
        "ERR_INVALID_PLATFORM",
        "ERR_NO_MATCHING_MANIFEST",
        "ERR_INVALID_REFERENCE",
        "ERR_INVALID_ARGUMENT",
        "ERR_NOT_FOUND",
        "ERR_ALREADY_EXISTS",
        "ERR_LOCKED",
        "ERR_INVALID_LAYOUT",
        "ERR_INVALID_ARCHIVE",
        "ERR_ARCHIVE_PATH_ESCAPE",
        "ERR_REGISTRY",
        "ERR_REGISTRY_UNAUTHORIZED",
        "ERR_REGISTRY_ACCEPT_TRAP",
        "ERR_ABORTED",
      ]
    `);
    const e = new OciImageError('ERR_LOCKED', 'x');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('OciImageError');
    expect(e.kind).toBe('unavailable');
  });
});
