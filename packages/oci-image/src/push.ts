// push: copy a named image from the content store to a registry repository, blobs first,
// then child manifests by digest, then the root manifest under the reference's tag.
import type { ContentStore } from './content/content-store.js';
import type { BlobSource } from './content/write-blob.js';
import { type CopyProgress, copyImage } from './copy.js';
import { type Digest, readAll } from './digest.js';
import { OciImageError } from './errors.js';
import type { ImageStore } from './image-store.js';
import { MAX_DOCUMENT_SIZE } from './internal/json.js';
import { isIndexType, isManifestType } from './media-types.js';
import { parseReference } from './reference.js';
import { RegistryClient } from './registry/client.js';
import type { Descriptor, Platform } from './types.js';

export interface PushOptions {
  readonly store: ContentStore;
  /** Looks up `name` here unless `target` is given. */
  readonly images?: ImageStore;
  /** The descriptor to push (default: the ImageStore record of `name`). */
  readonly target?: Descriptor;
  readonly registry?: RegistryClient;
  /** @default 'all': push every manifest of an index */
  readonly platform?: Platform | string | 'all';
  readonly concurrency?: number;
  /** Upload blobs in chunks of this many bytes (PATCH) instead of one PUT. */
  readonly chunkSize?: number;
  /** Try cross-repository mounts from this repository first. */
  readonly mountFrom?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: CopyProgress) => void;
}

/** Pushes `name` (`localhost:5000/app:v1`) and returns the pushed root descriptor. */
export async function push(name: string, options: PushOptions): Promise<Descriptor> {
  const ref = parseReference(name);
  let target = options.target;
  if (!target) {
    if (!options.images) throw new OciImageError('ERR_INVALID_ARGUMENT', 'push needs images (an ImageStore) or target');
    target = (await options.images.get(ref.toString())).target;
  }
  const client = options.registry ?? new RegistryClient({ host: ref.registryHost });
  const repo = client.repository(ref.path);
  const root = target;
  const to = {
    has: (d: Digest) => repo.has(d, options.signal),
    async put(
      desc: Descriptor,
      source: BlobSource,
      o: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
    ) {
      if (isManifestType(desc.mediaType) || isIndexType(desc.mediaType)) {
        const bytes = await readAll(
          typeof source === 'function' ? await source(0) : source,
          MAX_DOCUMENT_SIZE,
          `manifest ${desc.digest}`,
        );
        const reference = desc.digest === root.digest ? (ref.tag ?? desc.digest) : desc.digest;
        await repo.putManifest(reference, bytes, desc.mediaType, o.signal);
        return true;
      }
      return repo.put(desc, source, {
        ...o,
        ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
        ...(options.mountFrom ? { mountFrom: options.mountFrom } : {}),
      });
    },
  };
  await copyImage(target, {
    from: options.store,
    to,
    platform: options.platform ?? 'all',
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return target;
}
