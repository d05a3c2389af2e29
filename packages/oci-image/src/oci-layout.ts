// OCI image layouts (image-spec image-layout.md): `oci-layout`, `index.json`, `blobs/<alg>/<hex>`.
// Tags are index.json entries annotated with org.opencontainers.image.ref.name.
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { BlobReader, BlobWriter } from './blob-access.js';
import { fetchDocument } from './blob-access.js';
import type { BlobSource } from './content/write-blob.js';
import { fsyncDir } from './content/writer.js';
import { type CopyOptions, type CopyResult, copyImage } from './copy.js';
import { type Digest, DigestVerifier, digestAlgorithm, digestHex, isDigest, parseDigest } from './digest.js';
import { abortError, OciImageError } from './errors.js';
import { parseIndex, serializeIndex } from './image-index.js';
import { parseManifest } from './manifest.js';
import { isIndexType, isManifestType, MediaTypes } from './media-types.js';
import type { Descriptor, ImageIndex } from './types.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/** A tag of a layout and the descriptor it names. */
export interface LayoutTag {
  readonly tag: string;
  readonly descriptor: Descriptor;
}

export class OciLayout implements BlobReader, BlobWriter {
  private constructor(readonly dir: string) {}

  /** Opens an existing layout, checking `oci-layout` and `index.json`. @throws ERR_INVALID_LAYOUT */
  static async open(dir: string): Promise<OciLayout> {
    const marker = await readFile(join(dir, 'oci-layout'), 'utf8').catch(() => {
      throw new OciImageError(
        'ERR_INVALID_LAYOUT',
        `${dir}: no oci-layout file; this is not an OCI image layout (create one with OciLayout.create)`,
      );
    });
    let version: unknown;
    try {
      version = JSON.parse(marker).imageLayoutVersion;
    } catch {}
    if (version !== '1.0.0')
      throw new OciImageError(
        'ERR_INVALID_LAYOUT',
        `${dir}/oci-layout: imageLayoutVersion is ${JSON.stringify(version)}, expected "1.0.0"`,
      );
    const layout = new OciLayout(dir);
    await layout.index();
    return layout;
  }

  /** Creates a layout (or opens one already there). */
  static async create(dir: string): Promise<OciLayout> {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    const exists = await stat(join(dir, 'oci-layout')).catch(() => undefined);
    if (exists) return OciLayout.open(dir);
    const layout = new OciLayout(dir);
    await layout.#writeIndex({ schemaVersion: 2, mediaType: MediaTypes.OciIndex, manifests: [] });
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    return layout;
  }

  blobPath(digest: Digest): string {
    return join(this.dir, 'blobs', digestAlgorithm(digest), digestHex(digest));
  }

  /** The layout's index.json, parsed strictly. */
  async index(): Promise<ImageIndex> {
    const raw = await readFile(join(this.dir, 'index.json')).catch(() => {
      throw new OciImageError('ERR_INVALID_LAYOUT', `${this.dir}: index.json is missing`);
    });
    return parseIndex(raw, {});
  }

  async #writeIndex(index: ImageIndex): Promise<void> {
    const tmp = join(this.dir, `.index.json.${process.pid}.tmp`);
    await writeFile(tmp, serializeIndex(index));
    await rename(tmp, join(this.dir, 'index.json'));
  }

  async listTags(): Promise<LayoutTag[]> {
    return (await this.index()).manifests.flatMap((d) => {
      const tag = d.annotations?.[REF_NAME_ANNOTATION];
      return tag === undefined ? [] : [{ tag, descriptor: d }];
    });
  }

  /** The descriptor tagged `tag` (or the only entry when `tag` is omitted). @throws ERR_NOT_FOUND */
  async resolve(tag?: string): Promise<Descriptor> {
    const index = await this.index();
    if (tag === undefined) {
      if (index.manifests.length === 1) return index.manifests[0]!;
      throw new OciImageError(
        'ERR_NOT_FOUND',
        `${this.dir}: index.json has ${index.manifests.length} entries; name a tag`,
      );
    }
    const found = index.manifests.filter((d) => d.annotations?.[REF_NAME_ANNOTATION] === tag);
    if (found.length === 0)
      throw new OciImageError('ERR_NOT_FOUND', `${this.dir}: no image tagged ${JSON.stringify(tag)}`);
    if (found.length > 1)
      throw new OciImageError(
        'ERR_INVALID_LAYOUT',
        `${this.dir}: tag ${JSON.stringify(tag)} is ambiguous (${found.length} entries)`,
      );
    return found[0]!;
  }

  /** Records `desc` in index.json under `tag` (replacing that tag). The blobs must be present. */
  async addImage(desc: Descriptor, options: { tag?: string } = {}): Promise<void> {
    if (!(await this.has(desc.digest)))
      throw new OciImageError('ERR_NOT_FOUND', `${desc.digest} is not in the layout's blobs; copy the image first`);
    const index = await this.index();
    const { tag } = options;
    const entry: Descriptor =
      tag === undefined ? desc : { ...desc, annotations: { ...desc.annotations, [REF_NAME_ANNOTATION]: tag } };
    const keep = index.manifests.filter((d) =>
      tag === undefined
        ? d.digest !== desc.digest || d.annotations?.[REF_NAME_ANNOTATION] !== undefined
        : d.annotations?.[REF_NAME_ANNOTATION] !== tag,
    );
    await this.#writeIndex({ ...index, manifests: [...keep, entry] });
  }

  /** Removes a tag from index.json (blobs stay until gc). @throws ERR_NOT_FOUND */
  async removeImage(tag: string): Promise<void> {
    const index = await this.index();
    const keep = index.manifests.filter((d) => d.annotations?.[REF_NAME_ANNOTATION] !== tag);
    if (keep.length === index.manifests.length)
      throw new OciImageError('ERR_NOT_FOUND', `${this.dir}: no image tagged ${JSON.stringify(tag)}`);
    await this.#writeIndex({ ...index, manifests: keep });
  }

  async has(digest: Digest): Promise<boolean> {
    return stat(this.blobPath(digest)).then(
      () => true,
      () => false,
    );
  }

  async fetch(desc: Descriptor, offset = 0): Promise<AsyncIterable<Uint8Array>> {
    const path = this.blobPath(parseDigest(desc.digest));
    await stat(path).catch(() => {
      throw new OciImageError('ERR_NOT_FOUND', `${desc.digest} is not in the layout ${this.dir}`);
    });
    return createReadStream(path, { start: offset, highWaterMark: 1 << 20 });
  }

  /** Writes a blob: temp file, verified, fsynced, then linked in (never replaced). */
  async put(
    desc: Descriptor,
    source: BlobSource,
    options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<boolean> {
    if (await this.has(desc.digest)) return false;
    const dir = join(this.dir, 'blobs', digestAlgorithm(desc.digest));
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const fh = await open(tmp, 'w', 0o644);
    try {
      const chunks = typeof source === 'function' ? await source(0) : source;
      const v = new DigestVerifier(desc, `blob ${desc.digest}`);
      const { signal, onProgress } = options;
      for await (const c of chunks) {
        if (signal?.aborted) throw abortError(signal);
        v.update(c);
        let off = 0;
        while (off < c.length) off += (await fh.write(c, off, c.length - off)).bytesWritten;
        onProgress?.(v.seen, desc.size);
      }
      v.verify();
      await fh.sync();
      await fh.close();
      try {
        await link(tmp, this.blobPath(desc.digest));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        return false;
      }
      await fsyncDir(dir);
      return true;
    } finally {
      await fh.close().catch(() => {});
      await unlink(tmp).catch(() => {});
    }
  }

  /** Copies an image (by tag or descriptor) from another store into this layout and tags it. */
  async importImage(
    desc: Descriptor,
    from: BlobReader,
    options: Omit<CopyOptions, 'from' | 'to'> & { tag?: string } = {},
  ): Promise<CopyResult> {
    const result = await copyImage(desc, { platform: 'all', ...options, from, to: this });
    await this.addImage(desc, options.tag === undefined ? {} : { tag: options.tag });
    return result;
  }

  /** Copies the image tagged `tag` out of this layout into `to` (a ContentStore, another layout, a registry repository). */
  async exportImage(tag: string, to: BlobWriter, options: Omit<CopyOptions, 'from' | 'to'> = {}): Promise<CopyResult> {
    return copyImage(await this.resolve(tag), { platform: 'all', ...options, from: this, to });
  }

  /** Deletes every blob not reachable from index.json. Returns the digests removed. */
  async gc(): Promise<Digest[]> {
    const live = new Set<string>();
    const walk = async (d: Descriptor): Promise<void> => {
      if (live.has(d.digest)) return;
      live.add(d.digest);
      if (!(await this.has(d.digest))) return;
      if (isIndexType(d.mediaType)) {
        for (const m of parseIndex(await fetchDocument(this, d), { mediaType: d.mediaType }).manifests) await walk(m);
      } else if (isManifestType(d.mediaType)) {
        const m = parseManifest(await fetchDocument(this, d), { mediaType: d.mediaType });
        live.add(m.config.digest);
        for (const l of m.layers) live.add(l.digest);
      }
    };
    for (const d of (await this.index()).manifests) await walk(d);
    const removed: Digest[] = [];
    for (const alg of await readdir(join(this.dir, 'blobs'))) {
      for (const hex of await readdir(join(this.dir, 'blobs', alg))) {
        const d = `${alg}:${hex}`;
        if (!isDigest(d) || live.has(d)) continue;
        await unlink(join(this.dir, 'blobs', alg, hex));
        removed.push(d);
      }
    }
    return removed;
  }

  [inspect.custom](): string {
    return `OciLayout <${this.dir}>`;
  }
}
