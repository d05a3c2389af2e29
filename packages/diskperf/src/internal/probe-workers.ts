// Depth above 1: one worker thread per outstanding read, each doing synchronous preads
// back to back (fio's psync with numjobs = depth). Node's own fs.read would go through
// the libuv threadpool (4 threads by default, fixed at start-up) with a main-thread
// callback per read, which caps the depth and costs a core under load.
//
// Aligned memory must be shared with the workers, and @ctrkit/sys's buffers (external
// memory) cannot cross threads. A SharedArrayBuffer can, so each worker's buffer is a
// window of one whose alignment is established by trial: the kernel accepts an O_DIRECT
// read only into a suitably aligned address, so the first offset it accepts is used.
import { readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { DiskperfError } from '../errors.js';

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { readSync } = require('node:fs');
const { fd, sab, off, ioSize, slots, seed, lat, ctl, when, index } = workerData;
const buf = new Uint8Array(sab, off, ioSize);
const out = new Float32Array(lat);
const c = new Int32Array(ctl);
// Start together: report ready, then wait for the go flag (thread start-up is not measured).
parentPort.postMessage({ ready: true });
Atomics.wait(c, 1, 0);
const deadline = new Float64Array(when)[0];
// xorshift32: cheap, seeded per worker so runs repeat
let s = (seed >>> 0) || 1;
let n = 0;
const now = () => performance.timeOrigin + performance.now();
try {
  const begin = now();
  for (let t = begin; t < deadline && Atomics.load(c, 0) === 0; ) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const pos = (s % slots) * ioSize;
    readSync(fd, buf, 0, ioSize, pos);
    const t1 = now();
    if (n < out.length) out[n] = t1 - t;
    n++;
    Atomics.store(c, 2 + index, n);
    t = t1;
  }
  parentPort.postMessage({ n, begin, end: now() });
} catch (e) {
  parentPort.postMessage({ n, error: { message: e.message, code: e.code } });
}
`;

// Above glibc's largest dynamic mmap threshold (32 MiB), so the block is its own mapping:
// page-aligned plus malloc's 16-byte chunk header. Untouched pages cost nothing.
const ARENA = 33 << 20;

/**
 * One shared block with a window per thread whose alignment the kernel accepted for
 * O_DIRECT. The kernel only checks the logical block size (512), but a 4 KiB read that
 * straddles a page costs two pinned pages and two DMA segments — 20–30% slower here — so
 * when the accepted offsets show the block is 16 bytes past a page boundary (glibc's
 * mmap chunk) the windows start on page boundaries.
 */
function alignedWindows(
  fd: number,
  ioSize: number,
  alignment: number,
  count: number,
): { sab: SharedArrayBuffer; offsets: number[] } {
  const stride = Math.ceil(ioSize / 4096) * 4096 + 4096;
  const sab = new SharedArrayBuffer(Math.max(ARENA, count * stride + 2 * 4096 + alignment));
  const accepts = (off: number) => {
    try {
      readSync(fd, new Uint8Array(sab, off, ioSize), 0, ioSize, 0);
      return null;
    } catch (e) {
      return e as NodeJS.ErrnoException;
    }
  };
  let first = -1;
  let last: NodeJS.ErrnoException | null = null;
  for (let off = 0; off <= Math.max(alignment, 4096); off += 16) {
    last = accepts(off);
    if (!last) {
      first = off;
      break;
    }
    if (last.code !== 'EINVAL') break;
  }
  if (first < 0) {
    throw new DiskperfError(
      'ERR_PROBE_IO',
      `no offset in a shared buffer took an O_DIRECT read of ${ioSize} bytes (${last?.message}); the device may need a larger alignment`,
      { cause: last },
    );
  }
  const base = first % 512 === 496 && !accepts(4080) ? 4080 : first;
  const offsets = Array.from({ length: count }, (_, i) => base + i * stride);
  for (const off of offsets) {
    const e = accepts(off);
    if (e)
      throw new DiskperfError('ERR_PROBE_IO', `an O_DIRECT read into a shared window failed: ${e.message}`, {
        cause: e,
      });
  }
  return { sab, offsets };
}

export interface WorkerRun {
  readonly ios: number;
  readonly latencies: Float64Array;
  /** ms from the first thread's first read to the last thread's last. */
  readonly elapsedMs: number;
  /** Sum over threads of reads / own running time, per second. */
  readonly iops: number;
}

/** Starts `depth` reader threads, releases them together, runs for durationMs or until abort. */
export async function runWorkers(o: {
  fd: number;
  depth: number;
  ioSize: number;
  alignment: number;
  slots: number;
  seed: number;
  durationMs: number;
  signal?: AbortSignal;
  onProgress?: (done: number) => void;
}): Promise<WorkerRun> {
  const ctl = new SharedArrayBuffer(4 * (2 + o.depth)); // [stop, go, count per thread…]
  const when = new SharedArrayBuffer(8);
  const c = new Int32Array(ctl);
  // Room for 100 000 reads per second per thread; beyond that reads are counted, not timed.
  const cap = Math.max(1024, Math.ceil(o.durationMs * 100));
  const lats = Array.from({ length: o.depth }, () => new SharedArrayBuffer(4 * cap));
  const { sab, offsets } = alignedWindows(o.fd, o.ioSize, o.alignment, o.depth);
  const stop = () => Atomics.store(c, 0, 1);
  o.signal?.addEventListener('abort', stop, { once: true });
  const tick = setInterval(() => {
    let n = 0;
    for (let i = 0; i < o.depth; i++) n += Atomics.load(c, 2 + i);
    o.onProgress?.(n);
  }, 200);
  let ready = 0;
  let start = 0;
  const go = () => {
    start = performance.now();
    new Float64Array(when)[0] = performance.timeOrigin + start + o.durationMs;
    Atomics.store(c, 1, 1);
    Atomics.notify(c, 1);
  };
  try {
    // allSettled: every thread has stopped before the caller closes the fd.
    const settled = await Promise.allSettled(
      offsets.map(
        (off, index) =>
          new Promise<{ n: number; begin?: number; end?: number; error?: { message: string; code?: string } }>(
            (resolve, reject) => {
              const worker = new Worker(WORKER, {
                eval: true,
                workerData: {
                  when,
                  fd: o.fd,
                  sab,
                  off,
                  ioSize: o.ioSize,
                  slots: o.slots,
                  seed: (o.seed * 7919 + index * 104729) >>> 0,
                  lat: lats[index],
                  ctl,
                  index,
                },
              });
              worker.on('message', (m) => {
                if (m.ready) {
                  if (++ready === o.depth) go();
                  return;
                }
                if (m.error) stop();
                resolve(m);
              });
              worker.once('error', (e) => {
                stop();
                if (ready < o.depth) go(); // release the others so they see the stop flag
                reject(e);
              });
            },
          ),
      ),
    );
    const crashed = settled.find((r) => r.status === 'rejected');
    if (crashed)
      throw new DiskperfError('ERR_PROBE_IO', `a reader thread crashed: ${(crashed.reason as Error)?.message}`, {
        cause: crashed.reason,
      });
    const results = settled.map(
      (r) =>
        (
          r as PromiseFulfilledResult<{
            n: number;
            begin?: number;
            end?: number;
            error?: { message: string; code?: string };
          }>
        ).value,
    );
    // Each thread stamps its own start and end (one epoch clock), so neither a late wake-up
    // after the go signal nor the time its message takes to reach a busy main thread is
    // counted: throughput is the sum of the threads' own rates.
    const startEpoch = performance.timeOrigin + start;
    const spans = results.map((r) => Math.max(1e-3, (r.end ?? startEpoch + o.durationMs) - (r.begin ?? startEpoch)));
    const iops = results.reduce((sum, r, i) => sum + (r.n / (spans[i] as number)) * 1000, 0);
    const elapsedMs =
      Math.max(...results.map((r) => r.end ?? startEpoch)) - Math.min(...results.map((r) => r.begin ?? startEpoch));
    o.signal?.throwIfAborted();
    const failed = results.find((r) => r.error);
    if (failed?.error) {
      throw new DiskperfError('ERR_PROBE_IO', `a reader thread's pread failed: ${failed.error.message}`, {
        cause: failed.error,
      });
    }
    const ios = results.reduce((s, r) => s + r.n, 0);
    const timed = results.reduce((s, r) => s + Math.min(r.n, cap), 0);
    const latencies = new Float64Array(timed);
    let k = 0;
    results.forEach((r, i) => {
      const src = new Float32Array(lats[i] as SharedArrayBuffer, 0, Math.min(r.n, cap));
      latencies.set(src, k);
      k += src.length;
    });
    return { ios, latencies, elapsedMs, iops };
  } finally {
    clearInterval(tick);
    o.signal?.removeEventListener('abort', stop);
  }
}
