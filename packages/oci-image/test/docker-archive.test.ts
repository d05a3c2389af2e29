import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentStore, chainIds, ImageStore, readDockerArchive, writeDockerArchive } from '../src/index.js';
import { sampleImage, tarOf, tempDir } from './helpers/fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('da');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function members(
  file: string,
): Promise<Map<string, { type: string; body: Buffer; linkname?: string; mode: number; mtime: number }>> {
  const out = new Map();
  const ex = extract();
  Readable.from(await readFile(file)).pipe(ex);
  for await (const e of ex) {
    const parts: Buffer[] = [];
    for await (const c of e) parts.push(c as Buffer);
    out.set(e.header.name, {
      type: e.header.type,
      body: Buffer.concat(parts),
      linkname: e.header.linkname,
      mode: e.header.mode,
      mtime: e.header.mtime.getTime(),
    });
  }
  return out;
}

async function bufferOf(r: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** A GNU 'L' long-name record, then a plain file header with a truncated name, then the data. */
function gnuLongName(name: string, data: Buffer): Buffer {
  const header = (n: string, size: number, type: string) => {
    const h = Buffer.alloc(512);
    h.write(n.slice(0, 99), 0);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write(type, 156);
    h.write('ustar  \0', 257);
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return h;
  };
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
  const nameBytes = Buffer.from(`${name}\0`);
  return Buffer.concat([
    header('././@LongLink', nameBytes.length, 'L'),
    pad(nameBytes),
    header('truncated', data.length, '0'),
    pad(data),
  ]);
}

async function blobCount(store: ContentStore): Promise<number> {
  let n = 0;
  await store.walk(() => {
    n++;
  });
  return n;
}

describe('docker archives', () => {
  it('writes the docker save layout and reads it back with the same diffIDs', async () => {
    const { store, image, tars } = await sampleImage(dir);
    const file = join(dir, 'img.tar');
    await writeDockerArchive(
      [{ names: ['example/app:v1', 'localhost:5000/app:latest'], target: image.descriptor }],
      file,
      { store },
    );
    const m = await members(file);
    const diffHex = image.config.rootfs.diff_ids.map((d) => d.slice(7));
    const manifestJson = JSON.parse(m.get('manifest.json')!.body.toString());
    expect(manifestJson).toEqual([
      {
        Config: `${image.configDescriptor.digest.slice(7)}.json`,
        RepoTags: ['docker.io/example/app:v1', 'localhost:5000/app:latest'],
        Layers: diffHex.map((h) => `${h}.tar`),
      },
    ]);
    for (const [i, h] of diffHex.entries()) {
      const body = m.get(`${h}.tar`)!.body;
      expect(body.equals(tars[i]!)).toBe(true);
      expect(createHash('sha256').update(body).digest('hex')).toBe(h);
    }
    const repos = JSON.parse(m.get('repositories')!.body.toString());
    const topId = repos['docker.io/example/app'].v1 as string;
    expect(m.get(`${topId}/layer.tar`)).toMatchObject({ type: 'symlink', linkname: `../${diffHex[1]}.tar` });
    expect(m.get(`${topId}/VERSION`)!.body.toString()).toBe('1.0');
    expect(JSON.parse(m.get(`${topId}/json`)!.body.toString()).parent).toMatch(/^[0-9a-f]{64}$/);
    expect([...m.values()].every((e) => e.mtime === 0)).toBe(true);
    expect(m.get('manifest.json')!.mode).toBe(0o444);

    const other = await ContentStore.open(join(dir, 'other'));
    const images = await ImageStore.open(join(dir, 'images'));
    const read = await readDockerArchive(file, { store: other, images });
    expect(read).toHaveLength(1);
    expect(read[0]!.diffIds).toEqual(image.config.rootfs.diff_ids);
    expect(read[0]!.chainIds).toEqual(chainIds(image.config.rootfs.diff_ids));
    expect(read[0]!.names).toEqual(['docker.io/example/app:v1', 'localhost:5000/app:latest']);
    expect((await images.get('docker.io/example/app:v1')).target.digest).toBe(read[0]!.descriptor.digest);
    expect(await other.has(read[0]!.descriptor.digest)).toBe(true);
  });

  it('writes byte-identical archives for the same image', async () => {
    const { store, image } = await sampleImage(dir);
    await writeDockerArchive([{ names: ['a:1'], target: image.descriptor }], join(dir, '1.tar'), { store });
    await writeDockerArchive([{ names: ['a:1'], target: image.descriptor }], join(dir, '2.tar'), { store });
    expect((await readFile(join(dir, '1.tar'))).equals(await readFile(join(dir, '2.tar')))).toBe(true);
  });

  it('reads gzip-compressed members (docker 25 style) and computes their diffIDs', async () => {
    const { store, image } = await sampleImage(dir);
    const { pack } = await import('tar-stream');
    const p = pack();
    const cfgName = `blobs/sha256/${image.configDescriptor.digest.slice(7)}`;
    p.entry({ name: cfgName }, await store.readBlob(image.configDescriptor));
    const layers: string[] = [];
    for (const l of image.manifest.layers) {
      const name = `blobs/sha256/${l.digest.slice(7)}`;
      p.entry({ name }, await store.readBlob(l));
      layers.push(name);
    }
    p.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: cfgName, RepoTags: ['x:1'], Layers: layers }]));
    p.finalize();
    const other = await ContentStore.open(join(dir, 'other'));
    const [img] = await readDockerArchive(Readable.from(p), { store: other });
    expect(img!.diffIds).toEqual(image.config.rootfs.diff_ids);
    expect(img!.manifest.layers.map((l) => l.digest)).toEqual(image.manifest.layers.map((l) => l.digest));
  });

  async function archiveOf(entries: { name: string; body?: string | Buffer; type?: 'symlink'; linkname?: string }[]) {
    const { pack } = await import('tar-stream');
    const p = pack();
    for (const e of entries) {
      if (e.type) p.entry({ name: e.name, type: e.type, linkname: e.linkname ?? '' });
      else p.entry({ name: e.name }, e.body ?? '');
    }
    p.finalize();
    return Readable.from(p);
  }

  it.each([
    ['an entry climbing out', [{ name: '../evil.tar', body: 'x' }], 'ERR_ARCHIVE_PATH_ESCAPE'],
    ['an absolute entry', [{ name: '/etc/passwd', body: 'x' }], 'ERR_ARCHIVE_PATH_ESCAPE'],
    [
      'a symlink climbing out',
      [{ name: 'a/layer.tar', type: 'symlink' as const, linkname: '../../x' }],
      'ERR_ARCHIVE_PATH_ESCAPE',
    ],
    [
      'manifest.json naming ../',
      [{ name: 'manifest.json', body: JSON.stringify([{ Config: '../c.json', Layers: [] }]) }],
      'ERR_ARCHIVE_PATH_ESCAPE',
    ],
    ['no manifest.json', [{ name: 'x.json', body: '{}' }], 'ERR_INVALID_ARCHIVE'],
    ['manifest.json not an array', [{ name: 'manifest.json', body: '{}' }], 'ERR_INVALID_ARCHIVE'],
    [
      'a missing layer',
      [
        {
          name: 'c.json',
          body: JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
        },
        { name: 'manifest.json', body: JSON.stringify([{ Config: 'c.json', Layers: ['l.tar'] }]) },
      ],
      'ERR_INVALID_ARCHIVE',
    ],
    ['not a tar at all', null, 'ERR_INVALID_ARCHIVE'],
  ])('H8: rejects %s (from a stream and from a file)', async (_, entries, code) => {
    const store = await ContentStore.open(join(dir, 'cs'));
    const bytes = entries ? await bufferOf(await archiveOf(entries)) : Buffer.alloc(1024, 7);
    await expect(readDockerArchive(Readable.from([bytes]), { store })).rejects.toMatchObject({ code });
    const file = join(dir, 'bad.tar');
    await writeFile(file, bytes);
    await expect(readDockerArchive(file, { store })).rejects.toMatchObject({ code });
    expect(await blobCount(store)).toBe(0);
    expect(await store.listStatuses()).toEqual([]);
  });

  it('reads from a file what it reads from a stream: gzip members, PAX and GNU long names, no trailing zero blocks', async () => {
    const { store, image } = await sampleImage(dir);
    const { pack } = await import('tar-stream');
    const p = pack();
    // tar-stream writes PAX headers for names over 100 bytes; a hand-made GNU 'L' record follows below.
    const long = `${'d'.repeat(120)}/config.json`;
    p.entry({ name: long }, await store.readBlob(image.configDescriptor));
    const layers: string[] = [];
    for (const l of image.manifest.layers) {
      const name = `blobs/sha256/${l.digest.slice(7)}`;
      p.entry({ name }, await store.readBlob(l));
      layers.push(name);
    }
    p.finalize();
    const body = await bufferOf(Readable.from(p));
    const manifest = Buffer.from(JSON.stringify([{ Config: long, RepoTags: ['x:1'], Layers: layers }]));
    // Cut the two zero blocks off and append the manifest, named only by a GNU long-name record.
    const end = body.length - 1024;
    const bytes = Buffer.concat([body.subarray(0, end), gnuLongName('manifest.json', manifest)]);
    const file = join(dir, 'mixed.tar');
    await writeFile(file, bytes);
    const [fromFile] = await readDockerArchive(file, { store: await ContentStore.open(join(dir, 'f')) });
    const [fromStream] = await readDockerArchive(Readable.from([bytes]), {
      store: await ContentStore.open(join(dir, 's')),
    });
    expect(fromFile!.diffIds).toEqual(image.config.rootfs.diff_ids);
    expect(fromFile!.descriptor).toEqual(fromStream!.descriptor);
  });

  it('an abort stops a file read inside a large member and adds nothing', async () => {
    const store = await ContentStore.open(join(dir, 's'));
    const { ImageBuilder } = await import('../src/index.js');
    const b = new ImageBuilder({ store });
    const { randomBytes } = await import('node:crypto');
    await b.addLayerTar([await tarOf({ big: randomBytes(48 << 20).toString('latin1') })], { compression: 'none' });
    const file = join(dir, 'big.tar');
    await b.toDockerArchive(file, ['x:1']);
    const other = await ContentStore.open(join(dir, 'o'));
    const ac = new AbortController();
    const reading = readDockerArchive(file, { store: other, signal: ac.signal });
    // Abort once the layer's ingest has started.
    for (let i = 0; i < 2000 && (await other.listStatuses()).length === 0; i++)
      await new Promise((r) => setImmediate(r));
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(reading).rejects.toBe(reason);
    expect(await blobCount(other)).toBe(0);
    expect(await other.listStatuses()).toEqual([]);
  });

  it('a file that ends inside a member fails typed and adds nothing', async () => {
    const { store, image } = await sampleImage(dir);
    const file = join(dir, 'img.tar');
    await writeDockerArchive([{ names: ['x:1'], target: image.descriptor }], file, { store });
    const whole = await readFile(file);
    await writeFile(file, whole.subarray(0, 2048 + 100));
    const other = await ContentStore.open(join(dir, 'o'));
    await expect(readDockerArchive(file, { store: other })).rejects.toMatchObject({ code: 'ERR_INVALID_ARCHIVE' });
    expect(await blobCount(other)).toBe(0);
    expect(await other.listStatuses()).toEqual([]);
    await expect(readDockerArchive(join(dir, 'missing.tar'), { store: other })).rejects.toMatchObject({
      code: 'ERR_NOT_FOUND',
    });
  });

  it('H2/H7: a wrong diffID or layer count fails and leaves the store as it was', async () => {
    const store = await ContentStore.open(join(dir, 'cs'));
    const layer = await tarOf({ a: 'a' });
    const cfg = (ids: string[]) =>
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ids } });
    const wrong = `sha256:${'0'.repeat(64)}`;
    const bad = await archiveOf([
      { name: 'l.tar', body: layer },
      { name: 'c.json', body: cfg([wrong]) },
      { name: 'manifest.json', body: JSON.stringify([{ Config: 'c.json', Layers: ['l.tar'] }]) },
    ]);
    await expect(readDockerArchive(bad, { store })).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' });
    expect(await blobCount(store)).toBe(0);
    const count = await archiveOf([
      { name: 'l.tar', body: layer },
      { name: 'c.json', body: cfg([]) },
      { name: 'manifest.json', body: JSON.stringify([{ Config: 'c.json', Layers: ['l.tar'] }]) },
    ]);
    await expect(readDockerArchive(count, { store })).rejects.toMatchObject({ code: 'ERR_LAYER_COUNT_MISMATCH' });
    expect(await blobCount(store)).toBe(0);
    expect(await store.listStatuses()).toEqual([]);
  });
});
