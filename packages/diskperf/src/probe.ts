// A random-read probe in the manner of `fio --rw=randread --direct=1`: aligned offsets
// drawn from a seeded generator over `size` bytes of a file, reads through O_DIRECT
// into aligned buffers, per-read latencies and fio's percentile list.
//
// What "depth" means here, stated in every result: at depth 1 the reads run back to
// back on the calling thread (like fio's psync). Above 1, `depth` worker threads each
// read synchronously (fio's psync with numjobs = depth): Node has no asynchronous
// direct-I/O engine like libaio or io_uring, so depth is a thread count, not an iodepth.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { inspect } from 'node:util';
import { checkInteger, DiskperfError } from './errors.js';
import { loadAligned } from './internal/aligned.js';
import { type BlockDeviceInfo, blockDeviceInfo } from './internal/block-device.js';
import { runWorkers } from './internal/probe-workers.js';
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
  readonly engine: 'sync' | 'worker-threads';
  /** How the O_DIRECT buffers were aligned: @ctrkit/sys's posix_memalign, or a shared buffer offset the kernel accepted. */
  readonly alignedBy: 'sys' | 'trial' | 'none';
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
    // Depth 1 reads into @ctrkit/sys memory; threads need shared memory, aligned by trial.
    const sys = direct && depth === 1 ? await loadAligned() : null;
    const engine = depth === 1 ? 'sync' : 'worker-threads';
    const depthNote =
      depth === 1
        ? 'depth 1: one read at a time on the calling thread (like fio --ioengine=psync)'
        : `depth ${depth}: ${depth} threads each doing one synchronous read at a time (like fio --ioengine=psync --numjobs=${depth}); Node has no asynchronous direct-I/O engine, so this is a thread count, not fio's --iodepth=${depth} on one thread`;
    const seed = o.seed ?? 1;
    const lat = new Latencies();
    const t0 = performance.now();
    if (depth === 1) {
      const buf = sys ? sys.alignedBuffer(ioSize, alignment) : Buffer.allocUnsafe(ioSize);
      await runSync(fd, buf, new Rng(seed), slots, ioSize, t0 + durationMs, lat, o);
    } else {
      const r = await runWorkers({
        fd,
        depth,
        ioSize,
        alignment,
        slots,
        seed,
        durationMs,
        ...(o.signal ? { signal: o.signal } : {}),
        onProgress: (done) => o.onProgress?.({ phase: 'probe', done, total: 0 }),
      });
      lat.data = r.latencies;
      lat.n = r.latencies.length;
      lat.ios = r.ios;
      lat.elapsedMs = r.elapsedMs;
      lat.iops = r.iops;
    }
    const elapsedMs = lat.elapsedMs ?? performance.now() - t0;
    const alignedBy = !direct ? 'none' : depth === 1 ? 'sys' : 'trial';
    return summarise({
      path: o.path,
      span,
      ioSize,
      direct,
      depth,
      effectiveDepth: depth,
      engine,
      alignedBy,
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
  data: Float64Array = new Float64Array(1 << 16);
  n = 0;
  /** Reads completed, timed or not (threads stop timing past their buffer). */
  ios = -1;
  elapsedMs: number | undefined;
  iops: number | undefined;
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

// Back-to-back reads; yields every ~50 ms so timers, the signal and progress still run.
// Time spent away in the event loop is not the device's and is not counted: on a loaded
// machine a yield can cost milliseconds before the thread is scheduled again.
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
  let end = deadline;
  let busy = 0;
  for (;;) {
    const sliceStart = performance.now();
    const sliceEnd = Math.min(end, sliceStart + 50);
    let now = sliceStart;
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
    busy += now - sliceStart;
    if (now >= end) {
      lat.elapsedMs = busy;
      return;
    }
    const away = performance.now();
    await new Promise((r) => setImmediate(r));
    end += performance.now() - away; // the run lasts durationMs of reading
    o.signal?.throwIfAborted();
    o.onProgress?.({ phase: 'probe', done: lat.n, total: 0 });
  }
}

interface Summary {
  path: string;
  span: number;
  ioSize: number;
  direct: boolean;
  depth: number;
  effectiveDepth: number;
  engine: ProbeResult['engine'];
  alignedBy: ProbeResult['alignedBy'];
  depthNote: string;
  elapsedMs: number;
  device: BlockDeviceInfo | null;
  lat: Latencies;
}

function summarise(s: Summary): ProbeResult {
  const n = s.lat.n;
  const ios = s.lat.ios >= 0 ? s.lat.ios : n;
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
  const iops = s.lat.iops ?? (ios / s.elapsedMs) * 1000;
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
    alignedBy: s.alignedBy,
    depthNote: s.depthNote,
    ios,
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
