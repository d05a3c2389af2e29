// What copying between stores needs from each end. ContentStore, OciLayout, docker
// archives and registry repositories all provide these two small interfaces.
import type { BlobSource, Chunks } from './content/write-blob.js';
import { descriptorData } from './descriptor.js';
import { type Digest, readAll, verifyBytes } from './digest.js';
import { OciImageError } from './errors.js';
import { MAX_DOCUMENT_SIZE } from './internal/json.js';
import type { Descriptor } from './types.js';

/** Somewhere blobs can be read from. */
export interface BlobReader {
  /** The blob's bytes from `offset` (0 by default). The caller verifies them. */
  fetch(desc: Descriptor, offset?: number, signal?: AbortSignal): Promise<Chunks>;
}

/** Somewhere blobs can be written to. */
export interface BlobWriter {
  has(digest: Digest): Promise<boolean>;
  /** Stores `source` as `desc`, verifying digest and size; false when already present. */
  put(
    desc: Descriptor,
    source: BlobSource,
    options?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<boolean>;
}

/** Reads a small blob (manifest, index, config) fully, capped at 4 MiB and verified. */
export async function fetchDocument(from: BlobReader, desc: Descriptor, signal?: AbortSignal): Promise<Buffer> {
  const embedded = descriptorData(desc);
  if (embedded) return embedded;
  const where = `${desc.mediaType} ${desc.digest}`;
  if (desc.size > MAX_DOCUMENT_SIZE) {
    throw new OciImageError(
      'ERR_DOCUMENT_TOO_LARGE',
      `${where}: ${desc.size} bytes is over the ${MAX_DOCUMENT_SIZE}-byte limit for JSON documents`,
    );
  }
  const bytes = await readAll(await from.fetch(desc, 0, signal), MAX_DOCUMENT_SIZE, where);
  verifyBytes(bytes, desc, where);
  return bytes;
}
