// pull: resolve a reference in a registry, an OCI layout or a docker archive, copy the
// image graph into a content store (skipping blobs already there, bounded concurrency,
// verified, abortable), and record the name in an ImageStore.
import type { Readable } from 'node:stream';
import { readDockerArchive } from './archive/read-docker-archive.js';
import { chainIds } from './chainid.js';
import type { ContentStore } from './content/content-store.js';
import { type CopiedImage, type CopyProgress, copyImage } from './copy.js';
import type { Digest } from './digest.js';
import { OciImageError } from './errors.js';
import { checkLayerCount } from './image-config.js';
import type { ImageStore } from './image-store.js';
import { OciLayout } from './oci-layout.js';
import { parseReference } from './reference.js';
import { RegistryClient } from './registry/client.js';
import type { Descriptor, Platform } from './types.js';

export interface PullOptions {
  readonly store: ContentStore;
  /** Records `name -> target` when given. */
  readonly images?: ImageStore;
  /** Pull from this registry (a client, or `true` to build one from the reference's host). */
  readonly registry?: RegistryClient | true;
  /** Pull from an OCI layout (an opened one or its directory); the reference is the tag. */
  readonly layout?: OciLayout | string;
  /** Pull from a docker archive (path or stream); the reference picks among its RepoTags. */
  readonly archive?: string | Readable;
  /** @default this host; 'all' keeps every platform of an index */
  readonly platform?: Platform | string | 'all';
  /** @default 3 */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: CopyProgress) => void;
}

export interface PullResult {
  /** The name recorded (`docker.io/library/nginx:latest`, or the layout tag). */
  readonly name: string;
  /** What the name points at (an index or a manifest). */
  readonly target: Descriptor;
  /** The platform manifest(s) pulled, with configs. */
  readonly images: readonly CopiedImage[];
  /** diffIDs and chainIDs of the first (or only) image. */
  readonly diffIds: readonly Digest[];
  readonly chainIds: readonly Digest[];
}

/** Pulls `ref` into `options.store` from exactly one of registry, layout or archive. */
export async function pull(ref: string, options: PullOptions): Promise<PullResult> {
  const sources = [options.registry, options.layout, options.archive].filter((s) => s !== undefined);
  if (sources.length !== 1)
    throw new OciImageError('ERR_INVALID_ARGUMENT', 'pull needs exactly one of registry, layout or archive');
  options.signal?.throwIfAborted();
  const copyOpts = {
    to: options.store,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  let name: string;
  let target: Descriptor;
  let images: readonly CopiedImage[];
  if (options.archive !== undefined) {
    const read = await readDockerArchive(options.archive, {
      store: options.store,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const want = parseReference(ref).toString();
    const hit = read.find((i) => i.names.includes(want)) ?? (read.length === 1 ? read[0] : undefined);
    if (!hit)
      throw new OciImageError(
        'ERR_NOT_FOUND',
        `the archive has no image named ${want} (it has ${read.flatMap((i) => i.names).join(', ') || 'no tags'})`,
      );
    name = want;
    target = hit.descriptor;
    images = [{ descriptor: hit.descriptor, manifest: hit.manifest, config: hit.config }];
  } else if (options.layout !== undefined) {
    const layout = typeof options.layout === 'string' ? await OciLayout.open(options.layout) : options.layout;
    name = ref;
    target = await layout.resolve(ref);
    ({ images } = await copyImage(target, { ...copyOpts, from: layout }));
  } else {
    const r = parseReference(ref);
    const client =
      options.registry instanceof RegistryClient ? options.registry : new RegistryClient({ host: r.registryHost });
    const repo = client.repository(r.path);
    name = r.toString();
    // One GET instead of containerd's HEAD + GET: the body is needed anyway, and its
    // digest is computed from the bytes (getManifest checks it against the header).
    const resolved = await repo.getManifest(r.object, options.signal);
    target = resolved.descriptor;
    if (r.digest && target.digest !== r.digest)
      throw new OciImageError('ERR_DIGEST_MISMATCH', `${name}: the registry resolved ${target.digest}`);
    ({ images } = await copyImage(target, { ...copyOpts, from: repo, targetBytes: resolved.bytes }));
  }
  const first = images[0];
  if (!first) throw new OciImageError('ERR_NO_MATCHING_MANIFEST', `${name}: no image manifest was pulled`);
  for (const img of images) checkLayerCount(img.manifest, img.config);
  await options.images?.put({ name, target });
  const diffIds = first.config.rootfs.diff_ids;
  return { name, target, images, diffIds, chainIds: chainIds(diffIds) };
}
