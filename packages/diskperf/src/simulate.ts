// A deterministic discrete-event simulation of one disk and its command queue. Same
// seed, same result. With a drive (or a hand-made geometry) every request has a
// cylinder, surface and angle, and the schedulers reorder the queue as a drive's
// firmware would (SPTF ≈ NCQ). Without geometry, service can be drawn exponential or
// constant, which lets tests check the simulator against M/M/1 and M/D/1 exactly.
import { inspect } from 'node:util';
import type { DriveSpec } from './drive-spec.js';
import { checkInteger, checkNumber, checkOneOf, DiskperfError } from './errors.js';
import { type Geometry, geometryOf } from './geometry.js';
import { Rng } from './internal/rng.js';
import { type CoreResult, runCore, type Scheduler } from './internal/sim-core.js';
import { percentiles } from './internal/stats.js';

export type { Scheduler };
export const schedulers: readonly Scheduler[] = ['fcfs', 'sstf', 'sptf', 'elevator'];

export type Arrival =
  | { readonly kind: 'poisson'; readonly rate: number }
  | { readonly kind: 'closed'; readonly depth: number };

export interface Workload {
  /** @default 'random' */
  readonly pattern?: 'random' | 'sequential';
  /** Request size in bytes (a multiple of 512 with geometry). @default 4096 */
  readonly size?: number;
  /** Fraction of reads. @default 1 */
  readonly readRatio?: number;
  /** Bytes used from LBA 0. @default the whole drive */
  readonly span?: number;
  /** Open Poisson arrivals (rate per second) or a closed loop with `depth` outstanding. */
  readonly arrival: Arrival;
  /** Explicit request list (first sector of each), served in this arrival order; overrides pattern. All arrive at time 0. */
  readonly sectors?: readonly number[];
}

export interface SimulateOptions {
  readonly drive?: DriveSpec;
  /** A geometry instead of a drive (e.g. ostepGeometry()). */
  readonly geometry?: Geometry;
  /** Service without geometry, for checking queueing theory. Mean in ms. */
  readonly service?: { readonly kind: 'exponential' | 'deterministic'; readonly mean: number };
  readonly workload: Workload;
  /** @default 'fcfs' */
  readonly scheduler?: Scheduler;
  /** Requests to complete. */
  readonly ios: number;
  /** @default 1 */
  readonly seed?: number;
  /** Keep every request's response time (ms) in `latencies`. @default false */
  readonly keepLatencies?: boolean;
  /** Keep per-request seek/rotate/transfer in `trace`. @default false */
  readonly trace?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { phase: 'simulate'; done: number; total: number }) => void;
}

export interface SimResult {
  readonly ios: number;
  readonly scheduler: Scheduler;
  readonly seed: number;
  /** Completions per second of simulated time. */
  readonly iops: number;
  /** Mean response time (queueing + service), ms. */
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Mean service time, ms, and its squared coefficient of variation. */
  readonly meanService: number;
  readonly serviceScv: number;
  /** Fraction of time the disk was busy. */
  readonly utilization: number;
  /** Time-averaged number of requests in the system (queue + in service), from ∫N dt. */
  readonly queueDepth: number;
  /** |queueDepth − iops·mean| / queueDepth: Little's law as a bookkeeping check. */
  readonly littleError: number;
  /** Simulated time, ms. */
  readonly elapsed: number;
  readonly latencies?: Float64Array;
  readonly trace?: readonly {
    readonly seek: number;
    readonly rotate: number;
    readonly transfer: number;
    readonly total: number;
  }[];
}

const CHUNK = 65_536;

/** Runs a simulation on the calling thread without yielding (benchmarks, small runs). */
export function simulateSync(options: SimulateOptions): SimResult {
  const s = prepare(options);
  s.core.advance(Number.POSITIVE_INFINITY);
  return summarise(s.core.result(), s.meta);
}

/**
 * Runs a simulation, yielding to the event loop after every 65 536 completions so that
 * `signal` can abort it (the promise rejects with `signal.reason`) and `onProgress`
 * reports how far it got. The result is identical to simulateSync's for the same seed.
 */
export async function simulate(options: SimulateOptions): Promise<SimResult> {
  const signal = options.signal;
  signal?.throwIfAborted();
  const s = prepare(options);
  while (!s.core.advance(CHUNK)) {
    options.onProgress?.({ phase: 'simulate', done: s.core.completed, total: s.meta.ios });
    await new Promise((r) => setImmediate(r));
    signal?.throwIfAborted();
  }
  options.onProgress?.({ phase: 'simulate', done: s.core.completed, total: s.meta.ios });
  return summarise(s.core.result(), s.meta);
}

function prepare(o: SimulateOptions) {
  const ios = checkInteger('ios', o.ios, 1, 50_000_000);
  const seed = checkInteger('seed', o.seed ?? 1, 0, 2 ** 32 - 1);
  const scheduler = checkOneOf('scheduler', o.scheduler ?? 'fcfs', schedulers);
  const w = o.workload;
  if (!w || typeof w !== 'object')
    throw new DiskperfError('ERR_INVALID_ARG_TYPE', '"workload" must be an object with an "arrival"');
  const geometry = o.geometry ?? (o.drive ? geometryOf(o.drive) : null);
  if (!geometry && !o.service) {
    throw new DiskperfError(
      'ERR_INVALID_ARG_VALUE',
      'simulate: give a "drive", a "geometry" or a "service" distribution',
    );
  }
  if (o.service) {
    checkOneOf('service.kind', o.service.kind, ['exponential', 'deterministic'] as const);
    checkNumber('service.mean', o.service.mean, Number.MIN_VALUE);
    if (geometry)
      throw new DiskperfError(
        'ERR_INVALID_ARG_VALUE',
        'simulate: "service" replaces the geometry; give one or the other',
      );
    if (scheduler !== 'fcfs')
      throw new DiskperfError(
        'ERR_INVALID_ARG_VALUE',
        `simulate: scheduler '${scheduler}' needs geometry; a service distribution has no positions to reorder`,
      );
  }
  const arrival = w.arrival;
  let coreArrival: { kind: 'poisson'; gap: number } | { kind: 'closed'; depth: number };
  if (arrival?.kind === 'poisson')
    coreArrival = { kind: 'poisson', gap: 1000 / checkNumber('arrival.rate', arrival.rate, Number.MIN_VALUE) };
  else if (arrival?.kind === 'closed')
    coreArrival = { kind: 'closed', depth: checkInteger('arrival.depth', arrival.depth, 1, 1_000_000) };
  else
    throw new DiskperfError(
      'ERR_INVALID_ARG_VALUE',
      `"workload.arrival.kind" must be 'poisson' or 'closed', got ${JSON.stringify((arrival as { kind?: unknown } | undefined)?.kind)}`,
    );
  const size = checkNumber('workload.size', w.size ?? 4096, 1);
  const readRatio = checkNumber('workload.readRatio', w.readRatio ?? 1, 0, 1);
  const pattern = checkOneOf('workload.pattern', w.pattern ?? 'random', ['random', 'sequential'] as const);
  let nextRequest: (rng: Rng, i: number) => number = () => 0;
  let sizeSectors = 0;
  if (geometry) {
    if (size % 512 !== 0)
      throw new DiskperfError(
        'ERR_INVALID_ARG_VALUE',
        `"workload.size" must be a multiple of 512 bytes with geometry, got ${size}`,
      );
    sizeSectors = size / 512;
    const total = geometry.layout.sectors;
    const spanSectors = Math.floor(checkNumber('workload.span', w.span ?? total * 512, size, total * 512) / 512);
    const slots = Math.max(1, Math.floor(spanSectors / sizeSectors));
    if (w.sectors) {
      const list = w.sectors.map((s, i) => checkInteger(`workload.sectors[${i}]`, s, 0, total - 1));
      if (list.length < ios)
        throw new DiskperfError(
          'ERR_INVALID_ARG_VALUE',
          `"workload.sectors" has ${list.length} entries but ios is ${ios}`,
        );
      nextRequest = (_r, i) => list[i] as number;
    } else if (pattern === 'random') {
      nextRequest = (r) => r.int(slots) * sizeSectors; // aligned to the request size, as fio does
    } else {
      nextRequest = (_r, i) => (i % slots) * sizeSectors;
    }
  }
  const rng = new Rng(seed);
  const core = runCore({
    geometry,
    service: o.service ?? null,
    scheduler,
    ios,
    arrival: coreArrival,
    nextRequest,
    isWrite: readRatio >= 1 ? () => false : (r) => r.float() >= readRatio,
    sizeSectors,
    rng,
  });
  return { core, meta: { ios, scheduler, seed, keep: o.keepLatencies ?? false, trace: o.trace ?? false } };
}

function summarise(
  core: CoreResult,
  m: { ios: number; scheduler: Scheduler; seed: number; keep: boolean; trace: boolean },
): SimResult {
  const n = core.completed;
  let sum = 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    sum += core.response[i] as number;
    const s = core.service[i] as number;
    s1 += s;
    s2 += s * s;
  }
  const mean = sum / n;
  const meanService = s1 / n;
  const serviceScv = (s2 / n - meanService * meanService) / (meanService * meanService);
  const elapsed = core.end;
  const iops = (n / elapsed) * 1000;
  const queueDepth = core.area / elapsed;
  const [p50, p95, p99] = percentiles(core.response.slice(0, n), [50, 95, 99]) as [number, number, number];
  const trace = m.trace
    ? Array.from({ length: n }, (_, i) => ({
        seek: core.seek[i] as number,
        rotate: core.rotate[i] as number,
        transfer: core.transfer[i] as number,
        total: core.service[i] as number,
      }))
    : undefined;
  const r: SimResult = {
    ios: n,
    scheduler: m.scheduler,
    seed: m.seed,
    iops,
    mean,
    p50,
    p95,
    p99,
    meanService,
    serviceScv,
    utilization: core.busy / elapsed,
    queueDepth,
    littleError: Math.abs(queueDepth - (iops / 1000) * mean) / queueDepth,
    elapsed,
    ...(m.keep ? { latencies: core.response.slice(0, n) } : {}),
    ...(trace ? { trace } : {}),
  };
  return Object.assign(new Result(), r) as Result & SimResult;
}

class Result {
  [inspect.custom](this: SimResult): string {
    return `SimResult<${this.scheduler}, ${this.ios} I/Os: ${this.iops.toFixed(1)} IOPS, mean ${this.mean.toFixed(2)} ms (p50 ${this.p50.toFixed(2)}, p99 ${this.p99.toFixed(2)}), util ${(this.utilization * 100).toFixed(1)}%, L ${this.queueDepth.toFixed(2)}>`;
  }
}
