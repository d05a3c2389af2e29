// Writing `docker save` archives: manifest.json, repositories, <config hex>.json, layers as
// uncompressed <diffid hex>.tar (so sha256(file) = diffID, as docker and skopeo write them),
// plus the legacy <v1 id>/{VERSION,json,layer.tar -> ../<diffid>.tar} directories.
// Every entry has mtime 0 and mode 0444 (0755 for directories): same images, same bytes.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { fetchDocument } from '../blob-access.js';
import type { ContentStore } from '../content/content-store.js';
import { type Digest, digestHex, digestOf, verifyDigest } from '../digest.js';
import { abortError, OciImageError } from '../errors.js';
import { checkLayerCount, parseImageConfig } from '../image-config.js';
import { parseIndex } from '../image-index.js';
import { parseManifest } from '../manifest.js';
import { isIndexType, layerCompression } from '../media-types.js';
import { defaultPlatform } from '../platform.js';
import { parseReference } from '../reference.js';
import { selectManifest } from '../select-manifest.js';
import type { Descriptor, Platform } from '../types.js';

export interface ArchiveInput {
  /** Names to record as RepoTags (`nginx:1`, `localhost:5000/x:y`). */
  readonly names: readonly string[];
  /** A manifest or an index (then `platform` picks the manifest). */
  readonly target: Descriptor;
}

export interface WriteArchiveOptions {
  readonly store: ContentStore;
  /** @default this host */
  readonly platform?: Platform | string;
  readonly signal?: AbortSignal;
}

const EPOCH = new Date(0);

/** Writes `images` as a docker archive to a path or a writable stream. */
export async function writeDockerArchive(
  images: readonly ArchiveInput[],
  out: string | Writable,
  options: WriteArchiveOptions,
): Promise<void> {
  const { store, signal } = options;
  const tar = pack();
  const sink = typeof out === 'string' ? createWriteStream(out) : out;
  const done = pipeline(tar, sink);
  const tmp = await mkdtemp(join(tmpdir(), 'ctrkit-docker-archive-'));
  const entry = (name: string, body: Buffer | string) =>
    new Promise<void>((resolve, reject) =>
      tar.entry({ name, mode: 0o444, mtime: EPOCH, uid: 0, gid: 0 }, body, (err) => (err ? reject(err) : resolve())),
    );
  try {
    const manifestJson: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
    const repositories: Record<string, Record<string, string>> = {};
    const written = new Set<string>();
    for (const img of images) {
      if (signal?.aborted) throw abortError(signal);
      let desc = img.target;
      if (isIndexType(desc.mediaType))
        desc = selectManifest(
          parseIndex(await fetchDocument(store, desc)),
          options.platform ?? defaultPlatform(),
        ).descriptor;
      const manifest = parseManifest(await fetchDocument(store, desc), { mediaType: desc.mediaType });
      const configBytes = await fetchDocument(store, manifest.config);
      const config = parseImageConfig(configBytes);
      checkLayerCount(manifest, config);
      const configName = `${digestHex(manifest.config.digest)}.json`;
      if (!written.has(configName)) {
        await entry(configName, configBytes);
        written.add(configName);
      }
      const layerNames: string[] = [];
      let parent: string | undefined;
      for (const [i, layer] of manifest.layers.entries()) {
        const diffId = config.rootfs.diff_ids[i]!;
        const name = `${digestHex(diffId)}.tar`;
        if (!written.has(name)) {
          await writeLayer(tar, store, layer, diffId, name, tmp, signal);
          written.add(name);
        }
        layerNames.push(name);
        const top = i === manifest.layers.length - 1;
        const id = digestHex(digestOf(`${parent ?? ''} ${diffId}${top ? ` ${manifest.config.digest}` : ''}`));
        if (!written.has(id)) {
          tar.entry({ name: `${id}/`, type: 'directory', mode: 0o755, mtime: EPOCH });
          await entry(`${id}/VERSION`, '1.0');
          await entry(
            `${id}/json`,
            JSON.stringify({ id, ...(parent ? { parent } : {}), created: '1970-01-01T00:00:00Z' }),
          );
          tar.entry({ name: `${id}/layer.tar`, type: 'symlink', linkname: `../${name}`, mode: 0o777, mtime: EPOCH });
          written.add(id);
        }
        parent = id;
      }
      const tags = img.names.map((n) => parseReference(n));
      for (const t of tags) {
        if (!t.tag || !parent) continue;
        repositories[t.name] = { ...repositories[t.name], [t.tag]: parent };
      }
      manifestJson.push({
        Config: configName,
        RepoTags: tags.filter((t) => t.tag).map((t) => `${t.name}:${t.tag}`),
        Layers: layerNames,
      });
    }
    await entry('manifest.json', JSON.stringify(manifestJson));
    await entry('repositories', JSON.stringify(repositories));
    tar.finalize();
    await done;
  } catch (err) {
    tar.destroy(err as Error);
    await done.catch(() => {});
    if (typeof out === 'string') await rm(out, { force: true });
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

// A tar entry needs its size first: an uncompressed layer is copied as is; a gzip layer
// is inflated to a temp file once (its size is unknown until then).
async function writeLayer(
  tar: ReturnType<typeof pack>,
  store: ContentStore,
  layer: Descriptor,
  diffId: Digest,
  name: string,
  tmp: string,
  signal?: AbortSignal,
): Promise<void> {
  const kind = layerCompression(layer.mediaType);
  let path = store.blobPath(layer.digest);
  let size = layer.size;
  if (kind === 'zstd')
    throw new OciImageError(
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      `layer ${layer.digest} is zstd; docker archives need plain tar layers and Node 20 has no zstd`,
    );
  if (kind === 'none' && layer.digest !== diffId) {
    throw new OciImageError(
      'ERR_DIGEST_MISMATCH',
      `layer ${layer.digest} is uncompressed but the config's diffID is ${diffId}`,
    );
  }
  if (kind === 'gzip') {
    path = join(tmp, digestHex(diffId));
    await pipeline(
      await store.createReadStream(layer),
      createGunzip(),
      verifyDigest({ digest: diffId }, `layer ${layer.digest} (inflated)`),
      createWriteStream(path),
      signal ? { signal } : {},
    );
    size = (await stat(path)).size;
  }
  const body = tar.entry({ name, size, mode: 0o444, mtime: EPOCH, uid: 0, gid: 0 });
  await pipeline(
    kind === 'gzip' ? createReadStream(path, { highWaterMark: 1 << 20 }) : await store.createReadStream(layer),
    body as unknown as Writable,
    signal ? { signal } : {},
  );
  if (kind === 'gzip') await rm(path, { force: true });
}
