// The result of a diff: an async iterable of layer bytes (iterate it once) whose
// digests are known when the iteration ends. Hashing happens in the same pass.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { inspect } from 'node:util';
import { gzipParallel } from './gzip-parallel.js';
import { zstdFrames } from './zstd-frames.js';

export type DiffCompression = 'none' | 'gzip' | 'zstd';

export interface LayerDigest {
  /** sha256 of the uncompressed tar. */
  readonly diffId: string;
  /** sha256 of the bytes as produced (equal to diffId when uncompressed). */
  readonly digest: string;
  /** Bytes produced. */
  readonly size: number;
  readonly uncompressedSize: number;
  /** Entries in the tar, whiteouts included. */
  readonly entries: number;
  readonly compression: DiffCompression;
}

export class LayerStream implements AsyncIterable<Uint8Array> {
  readonly compression: DiffCompression;
  /** Resolves after the stream has been read to the end; rejects if producing it failed. */
  readonly digests: Promise<LayerDigest>;
  #tar: () => AsyncIterable<Buffer>;
  #entries: () => number;
  #resolve!: (d: LayerDigest) => void;
  #reject!: (e: unknown) => void;
  #used = false;
  readonly #level: number | undefined;

  constructor(tar: () => AsyncIterable<Buffer>, entries: () => number, compression: DiffCompression, level?: number) {
    this.#tar = tar;
    this.#entries = entries;
    this.compression = compression;
    this.#level = level;
    this.digests = new Promise((res, rej) => {
      this.#resolve = res;
      this.#reject = rej;
    });
    this.digests.catch(() => {}); // the iterator rethrows; this only avoids an unhandled rejection
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.#used) throw new Error('a LayerStream can be read only once');
    this.#used = true;
    const diff = createHash('sha256');
    const blob = createHash('sha256');
    let tarSize = 0;
    let size = 0;
    const hashed = async function* (src: AsyncIterable<Buffer>) {
      for await (const c of src) {
        diff.update(c);
        tarSize += c.length;
        yield c;
      }
    };
    try {
      const tar = hashed(this.#tar());
      const out =
        this.compression === 'gzip'
          ? gzipParallel(tar, { level: this.#level })
          : this.compression === 'zstd'
            ? zstdFrames(tar, { level: this.#level })
            : tar;
      for await (const c of out) {
        if (this.compression !== 'none') blob.update(c);
        size += c.length;
        yield c;
      }
    } catch (e) {
      this.#reject(e);
      throw e;
    }
    const diffId = `sha256:${diff.digest('hex')}`;
    this.#resolve({
      diffId,
      digest: this.compression === 'none' ? diffId : `sha256:${blob.digest('hex')}`,
      size,
      uncompressedSize: tarSize,
      entries: this.#entries(),
      compression: this.compression,
    });
  }

  /** Writes the layer to a file and returns its digests. */
  async toFile(path: string): Promise<LayerDigest> {
    const ws = createWriteStream(path);
    try {
      for await (const c of this) {
        if (!ws.write(c)) await new Promise<void>((r) => ws.once('drain', () => r()));
      }
    } finally {
      await new Promise<void>((res, rej) => ws.end((e?: Error | null) => (e ? rej(e) : res())));
    }
    return this.digests;
  }

  [inspect.custom](): string {
    return `LayerStream { ${this.compression}${this.#used ? '' : ', unread'} }`;
  }
}
