// Assembling an image from layers: a config (rootfs.diff_ids, history, runtime settings)
// and a manifest, written into a content store. Nothing stamps "now": the same inputs
// give the same digests (pass `created` to date the image).
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { createGunzip, createGzip } from 'node:zlib';
import { writeDockerArchive } from './archive/write-docker-archive.js';
import type { ContentStore } from './content/content-store.js';
import { createDigester, type Digest, digestFromHash, digestOf } from './digest.js';
import { OciImageError } from './errors.js';
import { serializeImageConfig } from './image-config.js';
import { serializeManifest } from './manifest.js';
import { detectCompression, MediaTypes } from './media-types.js';
import type { OciLayout } from './oci-layout.js';
import { normalizePlatform, parsePlatform } from './platform.js';
import type { ContainerConfig, Descriptor, HistoryEntry, ImageConfig, ImageManifest, Platform } from './types.js';

export interface BuilderOptions {
  readonly store: ContentStore;
  /** @default 'linux/amd64' */
  readonly platform?: Platform | string;
  /** `oci` (default) or `docker` schema2 media types. */
  readonly format?: 'oci' | 'docker';
  /** RFC 3339 creation time; omitted when not given, for reproducible digests. */
  readonly created?: string;
  readonly author?: string;
}

export interface BuiltImage {
  readonly descriptor: Descriptor;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
  readonly configDescriptor: Descriptor;
}

export class ImageBuilder {
  readonly #o: BuilderOptions;
  readonly #layers: { desc: Descriptor; diffId: Digest }[] = [];
  readonly #history: HistoryEntry[] = [];
  #config: { -readonly [K in keyof ContainerConfig]: ContainerConfig[K] } = {};
  #annotations: Record<string, string> | undefined;

  constructor(options: BuilderOptions) {
    this.#o = options;
  }

  /** Adds a layer blob already in the store; its diffID is computed (gzip or plain) unless given. */
  async addLayer(
    desc: Descriptor,
    options: { diffId?: Digest; history?: Omit<HistoryEntry, 'empty_layer'> } = {},
  ): Promise<this> {
    if (!(await this.#o.store.has(desc.digest)))
      throw new OciImageError('ERR_NOT_FOUND', `layer ${desc.digest} is not in the content store; write it first`);
    const diffId = options.diffId ?? (await this.#diffIdOf(desc));
    this.#layers.push({ desc, diffId });
    this.#history.push({ ...this.#dated(), ...(options.history ?? {}) });
    return this;
  }

  /** Ingests an uncompressed tar as a layer (gzip-compressed unless `compression: 'none'`), hashing both forms in one pass. */
  async addLayerTar(
    tar: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: { compression?: 'gzip' | 'none'; history?: Omit<HistoryEntry, 'empty_layer'> } = {},
  ): Promise<this> {
    const gzip = (options.compression ?? 'gzip') === 'gzip';
    const w = await this.#o.store.writer(`build-${randomBytes(8).toString('hex')}`);
    const diff = createDigester();
    try {
      if (gzip) {
        const z = createGzip({ level: 6 });
        const pump = (async () => {
          for await (const c of z) await w.write(c as Buffer);
        })();
        for await (const c of tar) {
          diff.update(c);
          if (!z.write(c)) await new Promise((r) => z.once('drain', r));
        }
        z.end();
        await pump;
      } else {
        for await (const c of tar) {
          diff.update(c);
          await w.write(c);
        }
      }
      const size = w.offset;
      const digest = await w.commit().catch(async (err) => {
        if ((err as { code?: string }).code === 'ERR_ALREADY_EXISTS') return w.digest();
        throw err;
      });
      const docker = this.#o.format === 'docker';
      const mediaType = gzip
        ? docker
          ? MediaTypes.DockerLayerGzip
          : MediaTypes.OciLayerGzip
        : docker
          ? MediaTypes.DockerLayer
          : MediaTypes.OciLayer;
      return this.addLayer(
        { mediaType, digest, size },
        { diffId: digestFromHash('sha256', diff), ...(options.history ? { history: options.history } : {}) },
      );
    } catch (err) {
      await w.close();
      throw err;
    }
  }

  env(env: readonly string[]): this {
    this.#config.Env = [...env];
    return this;
  }
  cmd(cmd: readonly string[]): this {
    this.#config.Cmd = [...cmd];
    return this;
  }
  entrypoint(entrypoint: readonly string[]): this {
    this.#config.Entrypoint = [...entrypoint];
    return this;
  }
  workingDir(dir: string): this {
    this.#config.WorkingDir = dir;
    return this;
  }
  user(user: string): this {
    this.#config.User = user;
    return this;
  }
  labels(labels: Readonly<Record<string, string>>): this {
    this.#config.Labels = { ...this.#config.Labels, ...labels };
    return this;
  }
  annotations(a: Readonly<Record<string, string>>): this {
    this.#annotations = { ...this.#annotations, ...a };
    return this;
  }

  /** Writes config and manifest into the store and returns them. */
  async build(): Promise<BuiltImage> {
    const p = normalizePlatform(
      typeof this.#o.platform === 'string'
        ? parsePlatform(this.#o.platform)
        : (this.#o.platform ?? { os: 'linux', architecture: 'amd64' }),
    );
    const docker = this.#o.format === 'docker';
    const config: ImageConfig = JSON.parse(
      serializeImageConfig({
        ...(this.#o.created ? { created: this.#o.created } : {}),
        ...(this.#o.author ? { author: this.#o.author } : {}),
        architecture: p.architecture,
        os: p.os,
        ...(p.variant ? { variant: p.variant } : {}),
        config: this.#config,
        rootfs: { type: 'layers', diff_ids: this.#layers.map((l) => l.diffId) },
        history: this.#history,
      }).toString(),
    );
    const configBytes = serializeImageConfig(config);
    const configDescriptor: Descriptor = {
      mediaType: docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig,
      digest: digestOf(configBytes),
      size: configBytes.length,
    };
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
      config: configDescriptor,
      layers: this.#layers.map((l) => l.desc),
      ...(this.#annotations ? { annotations: this.#annotations } : {}),
    };
    const manifestBytes = serializeManifest(manifest);
    const descriptor: Descriptor = {
      mediaType: manifest.mediaType!,
      digest: digestOf(manifestBytes),
      size: manifestBytes.length,
    };
    await this.#o.store.put(configDescriptor, [configBytes]);
    await this.#o.store.put(descriptor, [manifestBytes]);
    return { descriptor, manifest, config, configDescriptor };
  }

  /** Builds, then copies the image into `layout` under `tag`. */
  async toLayout(layout: OciLayout, tag: string): Promise<BuiltImage> {
    const built = await this.build();
    await layout.importImage(built.descriptor, this.#o.store, { tag });
    return built;
  }

  /** Builds, then writes the image as a docker archive named `names`. */
  async toDockerArchive(out: string | Writable, names: readonly string[]): Promise<BuiltImage> {
    const built = await this.build();
    await writeDockerArchive([{ names, target: built.descriptor }], out, { store: this.#o.store });
    return built;
  }

  [inspect.custom](): string {
    return `ImageBuilder <${this.#o.format ?? 'oci'} ${this.#layers.length} layer(s)${this.#o.created ? ` created=${this.#o.created}` : ''}>`;
  }

  #dated(): HistoryEntry {
    return this.#o.created ? { created: this.#o.created } : {};
  }

  async #diffIdOf(desc: Descriptor): Promise<Digest> {
    const ra = await this.#o.store.readerAt(desc);
    const head = await ra.readAt(0, 4).finally(() => ra.close());
    const kind = detectCompression(head);
    if (kind === 'none') return desc.digest;
    if (kind === 'zstd')
      throw new OciImageError('ERR_UNSUPPORTED_MEDIA_TYPE', `layer ${desc.digest} is zstd; pass its diffId explicitly`);
    const h = createDigester();
    const src = await this.#o.store.createReadStream(desc);
    for await (const c of src.pipe(createGunzip())) h.update(c as Buffer);
    return digestFromHash('sha256', h);
  }
}
