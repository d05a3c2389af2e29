// A random-read probe in the manner of `fio --rw=randread --direct=1`: aligned offsets
// drawn from a seeded generator over `size` bytes of a file, reads through O_DIRECT
// into aligned buffers, per-read latencies and fio's percentile list.
//
// What "depth" means here, stated in every result: at depth 1 the reads run back to
// back on the calling thread (like fio's psync). Above 1, Node's fs reads go to the
// libuv threadpool (UV_THREADPOOL_SIZE, 4 by default), so at most that many are in
// flight: it is numjobs × psync, not an asynchronous iodepth.
import { closeSync, constants, fstatSync, openSync, read, readSync } from 'node:fs';
import { inspect } from 'node:util';
import { checkInteger, DiskperfError } from './errors.js';
import { loadAligned } from './internal/aligned.js';
import { type BlockDeviceInfo, blockDeviceInfo } from './internal/block-device.js';
import { Rng } from './internal/rng.js';
import { percentile } from './internal/stats.js';

export interface ProbeOptions {
  /** An existing file at least `size` bytes long (see prepareProbeFile). */
  readonly path: string;
  /** Bytes of the file to spread reads over. @default the file's size rounded down to ioSize */
  readonly size?: number;
  /** Reads kept in flight. @default 1 */
  readonly depth?: number;
  /** Bytes per read; a multiple of `alignment`. @default 4096 */
  readonly ioSize?: number;
  /** @default 5000 */
  readonly durationMs?: number;
  /** O_DIRECT with aligned buffers (needs @ctrkit/sys). false measures the page cache. @default true */
  readonly direct?: boolean;
  /** Buffer, offset and length alignment for O_DIRECT. @default 4096 */
  readonly alignment?: number;
  /** @default 1 */
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { phase: 'probe'; done: number; total: number }) => void;
}

/** fio's default completion-latency percentile list. */
export const fioPercentiles = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99] as const;

export interface ProbeResult {
  readonly path: string;
  readonly span: number;
  readonly ioSize: number;
  readonly direct: boolean;
  readonly requestedDepth: number;
  /** Reads that really were in flight at once. */
  readonly effectiveDepth: number;
  readonly engine: 'sync' | 'libuv-threadpool';
  /** Plain words on what the depth was. */
  readonly depthNote: string;
  readonly ios: number;
  readonly elapsedMs: number;
  readonly iops: number;
  /** Bytes per second. */
  readonly bandwidth: number;
  /** Latency in ms (submission to completion). */
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly stddev: number;
  /** fio-style keys ('99.000000') → ms. */
  readonly percentiles: Readonly<Record<string, number>>;
  /** iops × mean latency: should be ≈ effectiveDepth (Little's law). */
  readonly littleDepth: number;
  readonly device: BlockDeviceInfo | null;
  readonly warnings: readonly string[];
  readonly latencies: Float64Array;
}

function threadpoolSize(): number {
  const n = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 1024) : 4;
}

/** Runs the probe; rejects with `signal.reason` on abort, ERR_PROBE_IO on a failed read. */
export async function probe(o: ProbeOptions): Promise<ProbeResult> {
  o.signal?.throwIfAborted();
  const depth = checkInteger('depth', o.depth ?? 1, 1, 1024);
  const alignment = checkInteger('alignment', o.alignment ?? 4096, 512, 1 << 20);
  const ioSize = checkInteger('ioSize', o.ioSize ?? 4096, 1, 1 << 26);
  const durationMs = checkInteger('durationMs', o.durationMs ?? 5000, 1, 3_600_000);
  const direct = o.direct ?? true;
  if (direct && ioSize % alignment !== 0) {
    throw new DiskperfError(
      'ERR_INVALID_ARG_VALUE',
      `"ioSize" ${ioSize} is not a multiple of the O_DIRECT alignment ${alignment} (the kernel would answer EINVAL); use e.g. ${Math.max(alignment, Math.round(ioSize / alignment) * alignment)}`,
    );
  }
  const sys = direct ? await loadAligned() : null;
  let fd: number;
  try {
    fd = openSync(o.path, constants.O_RDONLY | (direct ? constants.O_DIRECT : 0));
  } catch (cause) {
    throw new DiskperfError(
      'ERR_PROBE_IO',
      `cannot open ${o.path}${direct ? ' with O_DIRECT' : ''}: ${(cause as Error).message}${direct ? ' (tmpfs and some FUSE file systems refuse O_DIRECT)' : ''}`,
      { cause },
    );
  }
  try {
    const st = fstatSync(fd);
    const span = o.size ?? Math.floor(st.size / ioSize) * ioSize;
    checkInteger('size', span, ioSize);
    if (span > st.size)
      throw new DiskperfError(
        'ERR_INVALID_ARG_VALUE',
        `"size" ${span} exceeds ${o.path}'s ${st.size} bytes; write the file first (prepareProbeFile)`,
      );
    const slots = Math.floor(span / ioSize);
    const device = blockDeviceInfo(st.dev);
    const pool = threadpoolSize();
    const engine = depth === 1 ? 'sync' : 'libuv-threadpool';
    const effectiveDepth = depth === 1 ? 1 : Math.min(depth, pool);
    const depthNote =
      depth === 1
        ? 'depth 1: one read at a time on the calling thread (like fio psync)'
        : `depth ${depth} requested: Node's fs reads run on the libuv threadpool (${pool} threads${process.env.UV_THREADPOOL_SIZE ? '' : ', the default'}), so ${effectiveDepth} reads were in flight at most — ${effectiveDepth} threads of synchronous reads (fio psync numjobs=${effectiveDepth}), not an asynchronous iodepth of ${depth}${depth > pool ? '; set UV_THREADPOOL_SIZE before Node starts to raise it' : ''}`;
    const buffers = Array.from({ length: effectiveDepth }, () =>
      sys ? sys.alignedBuffer(ioSize, alignment) : Buffer.allocUnsafe(ioSize),
    );
    const rng = new Rng(o.seed ?? 1);
    const lat = new Latencies();
    const t0 = performance.now();
    const deadline = t0 + durationMs;
    if (depth === 1) await runSync(fd, buffers[0] as Buffer, rng, slots, ioSize, deadline, lat, o);
    else await runPool(fd, buffers, rng, slots, ioSize, deadline, lat, o);
    const elapsedMs = performance.now() - t0;
    return summarise({
      path: o.path,
      span,
      ioSize,
      direct,
      depth,
      effectiveDepth,
      engine,
      depthNote,
      elapsedMs,
      device,
      lat,
    });
  } finally {
    closeSync(fd);
  }
}

class Latencies {
  data = new Float64Array(1 << 16);
  n = 0;
  push(ms: number) {
    if (this.n === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.n++] = ms;
  }
}

function ioError(cause: unknown, offset: number): DiskperfError {
  const e = cause as NodeJS.ErrnoException;
  const hint =
    e.code === 'EINVAL' ? ' (O_DIRECT needs the buffer, offset and length aligned to the device block size)' : '';
  return new DiskperfError('ERR_PROBE_IO', `read at offset ${offset} failed: ${e.message}${hint}`, { cause });
}

// Back-to-back reads; yields every ~20 ms so timers, the signal and progress still run.
async function runSync(
  fd: number,
  buf: Buffer,
  rng: Rng,
  slots: number,
  ioSize: number,
  deadline: number,
  lat: Latencies,
  o: ProbeOptions,
) {
  for (;;) {
    const sliceEnd = Math.min(deadline, performance.now() + 20);
    let now = performance.now();
    while (now < sliceEnd) {
      const off = rng.int(slots) * ioSize;
      const t = now;
      try {
        readSync(fd, buf, 0, ioSize, off);
      } catch (cause) {
        throw ioError(cause, off);
      }
      now = performance.now();
      lat.push(now - t);
    }
    if (now >= deadline) return;
    await new Promise((r) => setImmediate(r));
    o.signal?.throwIfAborted();
    o.onProgress?.({ phase: 'probe', done: lat.n, total: 0 });
  }
}

function runPool(
  fd: number,
  bufs: Buffer[],
  rng: Rng,
  slots: number,
  ioSize: number,
  deadline: number,
  lat: Latencies,
  o: ProbeOptions,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let live = bufs.length;
    let failed = false;
    const onAbort = () => {
      failed = true;
      reject(o.signal?.reason);
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      if (--live === 0) {
        o.signal?.removeEventListener('abort', onAbort);
        if (!failed) resolve();
      }
    };
    const issue = (buf: Buffer) => {
      if (failed || performance.now() >= deadline) return finish();
      const off = rng.int(slots) * ioSize;
      const t = performance.now();
      read(fd, buf, 0, ioSize, off, (err) => {
        if (err) {
          if (!failed) {
            failed = true;
            o.signal?.removeEventListener('abort', onAbort);
            reject(ioError(err, off));
          }
          return finish();
        }
        lat.push(performance.now() - t);
        issue(buf);
      });
    };
    for (const b of bufs) issue(b);
  });
}

interface Summary {
  path: string;
  span: number;
  ioSize: number;
  direct: boolean;
  depth: number;
  effectiveDepth: number;
  engine: ProbeResult['engine'];
  depthNote: string;
  elapsedMs: number;
  device: BlockDeviceInfo | null;
  lat: Latencies;
}

function summarise(s: Summary): ProbeResult {
  const n = s.lat.n;
  const latencies = s.lat.data.slice(0, n);
  const sorted = latencies.slice().sort();
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const v = latencies[i] as number;
    sum += v;
    sq += v * v;
  }
  const mean = n ? sum / n : Number.NaN;
  const percentiles: Record<string, number> = {};
  for (const p of fioPercentiles) percentiles[p.toFixed(6)] = percentile(sorted, p);
  const iops = (n / s.elapsedMs) * 1000;
  const warnings: string[] = [];
  if (!s.direct) warnings.push('direct: false — reads may be served by the page cache; these are not device figures');
  if (s.device?.sizeBytes && s.span < s.device.sizeBytes / 100) {
    warnings.push(
      `span ${s.span} bytes is ${((100 * s.span) / s.device.sizeBytes).toFixed(3)}% of ${s.device.name}: on an HDD seeks would be short-stroked`,
    );
  }
  if (s.device?.rotational)
    warnings.push(
      `${s.device.name} reports queue/rotational=1; virtual disks often do, so this alone does not make it an HDD`,
    );
  const r: ProbeResult = {
    path: s.path,
    span: s.span,
    ioSize: s.ioSize,
    direct: s.direct,
    requestedDepth: s.depth,
    effectiveDepth: s.effectiveDepth,
    engine: s.engine,
    depthNote: s.depthNote,
    ios: n,
    elapsedMs: s.elapsedMs,
    iops,
    bandwidth: iops * s.ioSize,
    mean,
    min: sorted[0] ?? Number.NaN,
    max: sorted[n - 1] ?? Number.NaN,
    stddev: n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : Number.NaN,
    percentiles,
    littleDepth: (iops * mean) / 1000,
    device: s.device,
    warnings,
    latencies,
  };
  return Object.assign(new Probe(), r);
}

class Probe {
  [inspect.custom](this: ProbeResult): string {
    const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
    return `Probe<${this.path}: ${this.iops.toFixed(0)} IOPS, ${this.ioSize} B ${this.direct ? 'O_DIRECT' : 'buffered'}, depth ${this.effectiveDepth}/${this.requestedDepth} (${this.engine}), mean ${us(this.mean)}, p99 ${us(this.percentiles['99.000000'] ?? Number.NaN)}, span ${this.span} B>`;
  }
}
