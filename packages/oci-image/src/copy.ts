// Copying an image graph between stores, the way containerd's remotes dispatch a pull:
// index -> (platform) manifest -> config + layers. Children are written before their
// parent, so a present manifest implies present layers. Concurrency is bounded and every
// blob is verified (digest and size) by the writing end.
import pLimit from 'p-limit';
import { type BlobReader, type BlobWriter, fetchDocument } from './blob-access.js';
import { abortError, OciImageError } from './errors.js';
import { parseImageConfig } from './image-config.js';
import { parseIndex } from './image-index.js';
import { parseManifest, rejectSchema1 } from './manifest.js';
import { isConfigType, isIndexType, isManifestType, isNondistributableType, isSchema1Type } from './media-types.js';
import { defaultPlatform } from './platform.js';
import { selectManifest } from './select-manifest.js';
import type { Descriptor, ImageConfig, ImageManifest, Platform } from './types.js';

export type CopyPhase = 'resolve' | 'manifest' | 'config' | 'layer' | 'skip' | 'done';

/** Progress of a copy: which blob, how far. */
export interface CopyProgress {
  readonly phase: CopyPhase;
  readonly digest: string;
  readonly done: number;
  readonly total: number;
}

export interface CopyOptions {
  readonly from: BlobReader;
  readonly to: BlobWriter;
  /** The platform to keep from an index; 'all' copies every child. @default this host */
  readonly platform?: Platform | string | 'all';
  /** Blobs fetched at once. @default 3 (moby's default) */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: CopyProgress) => void;
  /** Copy nondistributable/foreign layers too. @default false */
  readonly includeNondistributable?: boolean;
  /** The target's bytes when the caller already has them (a pull that resolved by GET). */
  readonly targetBytes?: Buffer;
}

/** One image manifest reached by the copy, with its parsed config. */
export interface CopiedImage {
  readonly descriptor: Descriptor;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
}

export interface CopyResult {
  readonly target: Descriptor;
  /** Every image manifest copied (one per selected platform). */
  readonly images: readonly CopiedImage[];
}

/** Copies `target` and everything it references from `options.from` to `options.to`. */
export async function copyImage(target: Descriptor, options: CopyOptions): Promise<CopyResult> {
  const limit = pLimit(options.concurrency ?? 3);
  const images: CopiedImage[] = [];
  // One failure stops the other transfers, and nothing is left running when we return.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const all = async (tasks: Promise<unknown>[]) => {
    const results = await Promise.allSettled(
      tasks.map((t) =>
        t.catch((err) => {
          stop.abort(err);
          throw err;
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const check = () => {
    if (signal?.aborted) throw abortError(signal);
  };

  const putBytes = async (desc: Descriptor, bytes: Buffer, phase: CopyPhase) => {
    const wrote = await options.to.put(desc, [bytes], { signal });
    options.onProgress?.({ phase: wrote ? phase : 'skip', digest: desc.digest, done: desc.size, total: desc.size });
  };

  const copyBlob = (desc: Descriptor, phase: CopyPhase) =>
    limit(async () => {
      check();
      if (await options.to.has(desc.digest)) {
        options.onProgress?.({ phase: 'skip', digest: desc.digest, done: desc.size, total: desc.size });
        return;
      }
      const progress = (done: number, total: number) =>
        options.onProgress?.({ phase, digest: desc.digest, done, total });
      await options.to.put(desc, (offset) => options.from.fetch(desc, offset, signal), {
        ...(signal ? { signal } : {}),
        onProgress: progress,
      });
    });

  const visit = async (desc: Descriptor): Promise<void> => {
    check();
    if (isSchema1Type(desc.mediaType)) rejectSchema1({ mediaType: desc.mediaType });
    const bytes =
      desc === target && options.targetBytes ? options.targetBytes : await fetchDocument(options.from, desc, signal);
    if (isIndexType(desc.mediaType)) {
      const index = parseIndex(bytes, { mediaType: desc.mediaType });
      const want = options.platform ?? defaultPlatform();
      const children =
        want === 'all'
          ? index.manifests.filter((m) => isManifestType(m.mediaType) || isIndexType(m.mediaType))
          : [selectManifest(index, want).descriptor];
      await all(children.map(visit));
    } else if (isManifestType(desc.mediaType)) {
      const manifest = parseManifest(bytes, { mediaType: desc.mediaType });
      if (!isConfigType(manifest.config.mediaType)) {
        throw new OciImageError(
          'ERR_UNSUPPORTED_MEDIA_TYPE',
          `${desc.digest}: config media type ${manifest.config.mediaType} is not an image config (artifacts are not images)`,
        );
      }
      const layers = manifest.layers.filter(
        (l) => options.includeNondistributable || !isNondistributableType(l.mediaType),
      );
      // The layers start while the config is fetched (first in the queue, counted like
      // any fetch): one round trip less before the bulk.
      const configRead = limit(() => fetchDocument(options.from, manifest.config, signal)).then((bytes) => ({
        bytes,
        config: parseImageConfig(bytes),
      }));
      const configPut = configRead.then(({ bytes }) => putBytes(manifest.config, bytes, 'config'));
      await all([configPut, ...layers.map((l) => copyBlob(l, 'layer'))]);
      const { config } = await configRead;
      images.push({ descriptor: desc, manifest, config });
    } else {
      throw new OciImageError(
        'ERR_UNSUPPORTED_MEDIA_TYPE',
        `${desc.digest}: ${desc.mediaType} is neither a manifest nor an index`,
      );
    }
    await putBytes(desc, bytes, 'manifest');
  };

  options.onProgress?.({ phase: 'resolve', digest: target.digest, done: 0, total: target.size });
  await visit(target);
  options.onProgress?.({ phase: 'done', digest: target.digest, done: target.size, total: target.size });
  return { target, images };
}
