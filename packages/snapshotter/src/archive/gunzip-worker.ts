// A gzip layer of 16 MiB or more given as a file path is read, hashed (blob digest and diffID) and
// inflated on a worker thread, so the thread that applies entries only parses and makes
// syscalls. Applying is bound by that thread: on the 20,000-file benchmark layer the two
// sha256 passes alone were ~0.2 s of its ~0.95 s (bench/src/snapshotter-apply.bench.ts
// keeps the comparison with the in-thread decoder). Chunks arrive as transferred
// copies; a credit window bounds how far the worker runs ahead.
import { Worker } from 'node:worker_threads';
import { InvalidLayerError } from './errors.js';
import type { LayerDigests } from './layer-decode.js';

/** Chunks the worker may send before the consumer has taken them (128 KiB each). */
const WINDOW = 32;

// Plain JS run with `eval`, so it needs no file next to the bundle or the source.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createGunzip } = require('node:zlib');
const { createHash } = require('node:crypto');
let credit = workerData.window;
let wake = null;
parentPort.on('message', () => {
  credit++;
  if (wake) { const w = wake; wake = null; w(); }
});
(async () => {
  const blob = createHash('sha256');
  const tar = createHash('sha256');
  let size = 0;
  let tarSize = 0;
  const fd = openSync(workerData.path, 'r');
  const z = createGunzip({ chunkSize: workerData.chunk });
  const feed = (async () => {
    try {
      for (;;) {
        const buf = Buffer.allocUnsafe(workerData.read);
        const n = readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        const c = buf.subarray(0, n);
        blob.update(c);
        size += n;
        if (!z.write(c)) await new Promise((r) => z.once('drain', r));
      }
      z.end();
    } catch (e) {
      z.destroy(e);
    } finally {
      closeSync(fd);
    }
  })();
  try {
    for await (const out of z) {
      tar.update(out);
      tarSize += out.length;
      if (credit <= 0) await new Promise((r) => { wake = r; });
      credit--;
      // zlib slices its own reused output buffer, so the chunk is copied, then moved.
      const copy = new Uint8Array(out);
      parentPort.postMessage({ chunk: copy, read: size }, [copy.buffer]);
    }
    await feed;
    parentPort.postMessage({ done: { size, tarSize, blob: blob.digest('hex'), tar: tar.digest('hex') } });
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e), zlib: typeof (e && e.code) === 'string' && e.code.startsWith('Z_') });
  }
})();
`;

type Message =
  | { chunk: Uint8Array; read: number }
  | { done: { size: number; tarSize: number; blob: string; tar: string } }
  | { error: string; zlib: boolean };

/** Inflated tar chunks of the gzip file at `path`; `digests()` once the iteration has ended. */
export class GunzipWorker implements AsyncIterable<Uint8Array> {
  #digests: LayerDigests | undefined;
  /** Compressed bytes the worker has read so far (for progress). */
  bytesRead = 0;
  readonly #path: string;
  readonly #signal: AbortSignal | undefined;
  readonly #read: number;
  readonly #chunk: number;

  constructor(path: string, opts: { signal?: AbortSignal; readSize: number; chunkSize: number }) {
    this.#path = path;
    this.#signal = opts.signal;
    this.#read = opts.readSize;
    this.#chunk = opts.chunkSize;
  }

  digests(): LayerDigests {
    if (!this.#digests) throw new Error('GunzipWorker.digests() called before the stream was fully read');
    return this.#digests;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const w = new Worker(WORKER, {
      eval: true,
      workerData: { path: this.#path, window: WINDOW, read: this.#read, chunk: this.#chunk },
    });
    const queue: Message[] = [];
    let wake: (() => void) | null = null;
    let failure: Error | undefined;
    const notify = () => {
      const f = wake;
      wake = null;
      f?.();
    };
    w.on('message', (m: Message) => {
      queue.push(m);
      notify();
    });
    w.on('error', (e) => {
      failure = e;
      notify();
    });
    w.on('exit', (code) => {
      failure ??= new Error(`the gunzip worker exited (code ${code}) before the end of the layer`);
      notify();
    });
    this.#signal?.addEventListener('abort', notify, { once: true });
    try {
      for (;;) {
        this.#signal?.throwIfAborted();
        const m = queue.shift();
        if (!m) {
          if (failure) throw failure;
          await new Promise<void>((r) => {
            wake = r;
          });
          continue;
        }
        if ('chunk' in m) {
          this.bytesRead = m.read;
          w.postMessage(0); // one more credit
          yield Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength);
        } else if ('done' in m) {
          const d = m.done;
          this.#digests = {
            compression: 'gzip',
            compressedDigest: `sha256:${d.blob}`,
            size: d.size,
            diffId: `sha256:${d.tar}`,
            uncompressedSize: d.tarSize,
          };
          return;
        } else {
          if (m.zlib) throw new InvalidLayerError(`gzip data is corrupt: ${m.error}`);
          throw new Error(`reading the layer failed: ${m.error}`);
        }
      }
    } finally {
      this.#signal?.removeEventListener('abort', notify);
      void w.terminate();
    }
  }
}
