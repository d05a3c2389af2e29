// A small benchmark harness: run ours and each peer on the same input in the same
// process run, take medians over repetitions after a warm-up, print `ours/peer`
// ratios and write results/<name>.json. Absolute times on a shared 2-core machine
// are noise; the ratio from one run is the figure.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export interface Sample {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export interface MeasureOptions {
  /** Untimed runs before the timed ones. @default 1 */
  readonly warmup?: number;
  /** Timed runs; the median is reported. @default 5 */
  readonly reps?: number;
  /** Untimed work before each run (fresh directories, cache drops). */
  readonly before?: () => Promise<void> | void;
  /** Untimed work after each run (cleanup). */
  readonly after?: () => Promise<void> | void;
}

/** Times `fn` in milliseconds (wall clock): the median of `reps` runs after `warmup`. */
export async function measure(fn: () => Promise<unknown> | unknown, opts: MeasureOptions = {}): Promise<Sample> {
  const { warmup = 1, reps = 5 } = opts;
  const samples: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    await opts.before?.();
    const t0 = performance.now();
    await fn();
    const dt = performance.now() - t0;
    await opts.after?.();
    if (i >= warmup) samples.push(dt);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0, samples };
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    date: new Date().toISOString(),
  };
}

export interface Comparison {
  /** The file name under results/ (without .json). */
  readonly name: string;
  /** What was measured, in words, with the input's size. */
  readonly description: string;
  readonly inputs: Record<string, unknown>;
  /** Our median and each peer's, in ms. */
  readonly ours: Sample;
  readonly peers: Record<string, Sample>;
  /** Goals from the issue, e.g. { 'ours/tar': '<= 1.3' }. */
  readonly goals?: Record<string, string>;
  /** Anything else worth keeping (throughputs, per-item figures). */
  readonly extra?: Record<string, unknown>;
}

/** Prints the medians and `ours/peer` ratios and writes results/<name>.json. */
export function report(c: Comparison): Record<string, number> {
  const ratios: Record<string, number> = {};
  console.log(`\n# ${c.name}: ${c.description}`);
  console.log(
    `  ours: median ${c.ours.median.toFixed(2)} ms (min ${c.ours.min.toFixed(2)}, max ${c.ours.max.toFixed(2)})`,
  );
  for (const [peer, s] of Object.entries(c.peers)) {
    const r = c.ours.median / s.median;
    ratios[`ours/${peer}`] = Number(r.toFixed(3));
    console.log(`  ${peer}: median ${s.median.toFixed(2)} ms  -> ours/${peer} = ${r.toFixed(3)}`);
  }
  mkdirSync(resultsDir, { recursive: true });
  const out = { ...c, machine: machine(), ratios };
  writeFileSync(join(resultsDir, `${c.name}.json`), `${JSON.stringify(out, null, 2)}\n`);
  return ratios;
}

function cpuTimes(): { idle: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle time is idle + iowait
  return { idle: (f[3] ?? 0) + (f[4] ?? 0), total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
}

/**
 * Waits until the whole machine has been at least `idleShare` idle for two windows of
 * `windowMs` in a row (or `maxMs` passed), e.g. after deleting many network namespaces,
 * which the kernel destroys later on a workqueue that would run into the next timing.
 */
export async function waitForIdle({ idleShare = 0.9, windowMs = 100, maxMs = 5000 } = {}): Promise<void> {
  const end = performance.now() + maxMs;
  let quiet = 0;
  let prev = cpuTimes();
  while (quiet < 2 && performance.now() < end) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = cpuTimes();
    const total = now.total - prev.total;
    quiet = total > 0 && (now.idle - prev.idle) / total >= idleShare ? quiet + 1 : 0;
    prev = now;
  }
}
