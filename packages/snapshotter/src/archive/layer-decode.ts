// Turns a layer blob (tar, tar+gzip or tar+zstd, detected by magic bytes) into tar bytes,
// hashing both sides in the same pass: the compressed digest and size (blob
// verification) and the diffID (sha256 of the uncompressed tar, trailing bytes included).
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { InvalidLayerError } from './errors.js';
import { GunzipWorker } from './gunzip-worker.js';

export type Compression = 'none' | 'gzip' | 'zstd';

/** A layer given as bytes: any (async) iterable of chunks (Node Readable, web ReadableStream, an array) or a file path. */
export type LayerSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | string;

/** Read size for layer files: 1 MiB reads measured fastest here (oci-and-snapshots.md §2). */
export const READ_SIZE = 1 << 20;
/** zlib output chunk size: 128 KiB (the default 16 KiB costs ~1.7x in inflate calls). */
export const INFLATE_CHUNK = 128 << 10;

/** Detects compression from the first bytes. Fewer than 4 bytes can only be plain tar (or empty). */
export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4) {
    const magic = (head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24)) >>> 0;
    if (magic === 0xfd2fb528) return 'zstd';
    // zstd skippable frames 0x184D2A50..5F may precede the data frame.
    if (magic >= 0x184d2a50 && magic <= 0x184d2a5f) return 'zstd';
  }
  return 'none';
}

export interface LayerDigests {
  compression: Compression;
  /** sha256 of the blob as given. */
  compressedDigest: string;
  /** Blob bytes read. */
  size: number;
  /** sha256 of the uncompressed tar stream, every byte to EOF. */
  diffId: string;
  /** Uncompressed bytes. */
  uncompressedSize: number;
}

/** Hashing wrapper around a decoded layer stream; read `digests()` after the iteration ends. */
export class LayerDecoder {
  #blob: Hash = createHash('sha256');
  #tar: Hash = createHash('sha256');
  #size = 0;
  #tarSize = 0;
  #compression: Compression = 'none';
  #done = false;
  readonly #source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  readonly #signal: AbortSignal | undefined;
  /** A gzip file is decoded off this thread (gunzip-worker.ts). */
  #worker: GunzipWorker | undefined;

  /**
   * `workerMinBytes`: gzip files at least this large are decoded on a worker thread.
   * Starting one costs 20-45 ms here, about what it saves on ~30 MB of tar, hence 16 MiB
   * of gzip by default.
   */
  constructor(source: LayerSource, signal?: AbortSignal, opts: { workerMinBytes?: number } = {}) {
    if (typeof source === 'string' && isGzipFile(source, opts.workerMinBytes ?? WORKER_MIN_BYTES)) {
      this.#worker = new GunzipWorker(source, { signal, readSize: READ_SIZE, chunkSize: INFLATE_CHUNK });
      this.#source = [];
    } else {
      this.#source = typeof source === 'string' ? createReadStream(source, { highWaterMark: READ_SIZE }) : source;
    }
    this.#signal = signal;
  }

  get compression(): Compression {
    return this.#worker ? 'gzip' : this.#compression;
  }
  /** Compressed bytes read so far (for progress). */
  get bytesRead(): number {
    return this.#worker ? this.#worker.bytesRead : this.#size;
  }

  digests(): LayerDigests {
    if (this.#worker) return this.#worker.digests();
    if (!this.#done) throw new Error('LayerDecoder.digests() called before the stream was fully read');
    return {
      compression: this.#compression,
      compressedDigest: `sha256:${this.#blob.digest('hex')}`,
      size: this.#size,
      diffId: `sha256:${this.#tar.digest('hex')}`,
      uncompressedSize: this.#tarSize,
    };
  }

  /** Uncompressed tar chunks. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.#worker) {
      yield* this.#worker;
      return;
    }
    const it = this.#hashed()[Symbol.asyncIterator]();
    // Peek until 4 bytes (or EOF) decide the compression.
    const head: Uint8Array[] = [];
    let headLen = 0;
    let eof = false;
    while (headLen < 4) {
      const r = await it.next();
      if (r.done) {
        eof = true;
        break;
      }
      head.push(r.value);
      headLen += r.value.length;
    }
    const first = head.length === 1 ? head[0]! : Buffer.concat(head);
    this.#compression = detectCompression(first);
    const rest: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () => (eof ? Promise.resolve({ done: true, value: undefined }) : it.next()),
        return: async () => (await it.return?.(undefined)) ?? { done: true, value: undefined },
      }),
    };
    const all = prepend(first, rest);
    const out =
      this.#compression === 'gzip' ? gunzip(all) : this.#compression === 'zstd' ? unzstd(all) : passthrough(all);
    for await (const chunk of out) {
      this.#signal?.throwIfAborted();
      this.#tar.update(chunk);
      this.#tarSize += chunk.length;
      yield chunk;
    }
    this.#done = true;
  }

  async *#hashed(): AsyncGenerator<Uint8Array> {
    for await (const c of this.#source) {
      this.#signal?.throwIfAborted();
      const chunk = typeof c === 'string' ? Buffer.from(c) : c;
      this.#blob.update(chunk);
      this.#size += chunk.length;
      yield chunk;
    }
  }
}

const WORKER_MIN_BYTES = 16 << 20;

/** True for a gzip file of at least `min` bytes (a read error is left for the stream to report). */
function isGzipFile(path: string, min: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    if (fstatSync(fd).size < min) return false;
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && detectCompression(head) === 'gzip';
  } finally {
    closeSync(fd);
  }
}

async function* prepend(first: Uint8Array, rest: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first.length > 0) yield first;
  yield* rest;
}

async function* passthrough(src: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* src;
}

async function* gunzip(src: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  // Inflate runs on the libuv pool, so it overlaps with the caller's file writes.
  const z = createGunzip({ chunkSize: INFLATE_CHUNK });
  const input = Readable.from(src, { objectMode: false, highWaterMark: READ_SIZE });
  input.on('error', (e) => z.destroy(e));
  input.pipe(z);
  try {
    for await (const chunk of z) yield chunk as Buffer;
  } catch (e) {
    if (isZlibError(e))
      throw new InvalidLayerError(`gzip data is corrupt: ${(e as Error).message}`, undefined, { cause: e });
    throw e;
  } finally {
    input.destroy();
    z.destroy();
  }
}

async function* unzstd(src: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  const d = new ZstdDecompress((chunk) => {
    out.push(chunk);
  });
  const push = (c: Uint8Array, final: boolean) => {
    try {
      d.push(c, final);
    } catch (e) {
      throw new InvalidLayerError(`zstd data is corrupt: ${(e as Error).message}`, undefined, { cause: e });
    }
  };
  for await (const c of src) {
    push(c, false);
    if (out.length > 0) {
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  push(new Uint8Array(0), true);
  yield* out;
}

function isZlibError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
