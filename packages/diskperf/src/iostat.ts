// iostat -x's numbers from two diskstats samples, with sysstat's exact formulas
// (iostat.c write_ext_stat, rd_stats.c compute_ext_disk_stats, common.h S_VALUE): rates
// are Δ/Δt, awaits are Δticks/Δios, aqu-sz = Δtime_in_queue/Δt_ms, %util =
// Δio_ticks/Δt_ms·100 — not capped, as iostat does not; `utilCapped` is fio's view.
import { inspect } from 'node:util';
import type { DiskstatsEntry } from './diskstats.js';
import { checkNumber, DiskperfError } from './errors.js';

export interface IostatStats {
  readonly device: string;
  readonly intervalMs: number;
  readonly 'r/s': number;
  readonly 'w/s': number;
  readonly 'd/s': number;
  readonly 'f/s': number;
  readonly 'rkB/s': number;
  readonly 'wkB/s': number;
  readonly 'dkB/s': number;
  readonly 'rrqm/s': number;
  readonly 'wrqm/s': number;
  readonly 'drqm/s': number;
  readonly '%rrqm': number;
  readonly '%wrqm': number;
  readonly '%drqm': number;
  readonly r_await: number;
  readonly w_await: number;
  readonly d_await: number;
  readonly f_await: number;
  readonly 'rareq-sz': number;
  readonly 'wareq-sz': number;
  readonly 'dareq-sz': number;
  readonly 'aqu-sz': number;
  readonly '%util': number;
  /** %util capped at 100, as fio reports it. */
  readonly utilCapped: number;
  readonly tps: number;
  /** (Δrd + Δwr + Δdc ticks) / (Δrd + Δwr + Δdc ios), iostat's short-report await. */
  readonly await: number;
  /** Counters that went backwards and were treated as a 32-bit wrap (or a reset). */
  readonly wrapped: readonly string[];
}

const U32 = 2 ** 32;
const TICKS = new Set<keyof DiskstatsEntry>([
  'readTicks',
  'writeTicks',
  'discardTicks',
  'flushTicks',
  'ioTicks',
  'timeInQueue',
]);

/**
 * Per-interval statistics between two samples of the same device. A ms counter that
 * went backwards is taken as a 32-bit wrap (the kernel prints them as unsigned int);
 * any other counter that went backwards as a reset to 0 (the device was re-attached).
 */
export function iostatFromSamples(prev: DiskstatsEntry, cur: DiskstatsEntry, intervalMs: number): IostatStats {
  checkNumber('intervalMs', intervalMs, Number.MIN_VALUE);
  if (prev.major !== cur.major || prev.minor !== cur.minor || prev.name !== cur.name) {
    throw new DiskperfError(
      'ERR_DEVICE_NOT_FOUND',
      `samples are of different devices (${prev.name} ${prev.major}:${prev.minor} vs ${cur.name} ${cur.major}:${cur.minor}); the device was replaced between samples`,
    );
  }
  const wrapped: string[] = [];
  const d = (k: keyof DiskstatsEntry): number => {
    const a = prev[k] as number;
    const b = cur[k] as number;
    if (b >= a) return b - a;
    wrapped.push(k);
    // The kernel prints the ms fields as unsigned int: they wrap at 2³². A count going
    // backwards (or a ms field that never fit 32 bits) means the device was reset: count from 0.
    return TICKS.has(k) && a < U32 ? b + U32 - a : b;
  };
  const s = intervalMs / 1000;
  const rIos = d('readIos');
  const wIos = d('writeIos');
  const dIos = d('discardIos');
  const fIos = d('flushIos');
  const rM = d('readMerges');
  const wM = d('writeMerges');
  const dM = d('discardMerges');
  const rS = d('readSectors');
  const wS = d('writeSectors');
  const dS = d('discardSectors');
  const rT = d('readTicks');
  const wT = d('writeTicks');
  const dT = d('discardTicks');
  const fT = d('flushTicks');
  const io = d('ioTicks');
  const q = d('timeInQueue');
  const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const util = (io / intervalMs) * 100;
  const stats: IostatStats = {
    device: cur.name,
    intervalMs,
    'r/s': rIos / s,
    'w/s': wIos / s,
    'd/s': dIos / s,
    'f/s': fIos / s,
    'rkB/s': rS / s / 2,
    'wkB/s': wS / s / 2,
    'dkB/s': dS / s / 2,
    'rrqm/s': rM / s,
    'wrqm/s': wM / s,
    'drqm/s': dM / s,
    '%rrqm': div(rM, rM + rIos) * 100,
    '%wrqm': div(wM, wM + wIos) * 100,
    '%drqm': div(dM, dM + dIos) * 100,
    r_await: div(rT, rIos),
    w_await: div(wT, wIos),
    d_await: div(dT, dIos),
    f_await: div(fT, fIos),
    'rareq-sz': div(rS, rIos) / 2,
    'wareq-sz': div(wS, wIos) / 2,
    'dareq-sz': div(dS, dIos) / 2,
    'aqu-sz': q / intervalMs,
    '%util': util,
    utilCapped: Math.min(100, util),
    tps: (rIos + wIos + dIos) / s,
    await: div(rT + wT + dT, rIos + wIos + dIos),
    wrapped,
  };
  return Object.assign(new Stats(), stats);
}

class Stats {
  [inspect.custom](this: IostatStats): string {
    const f = (n: number) => n.toFixed(2);
    return `Iostat<${this.device} over ${f(this.intervalMs)} ms: r/s ${f(this['r/s'])} w/s ${f(this['w/s'])} rkB/s ${f(this['rkB/s'])} wkB/s ${f(this['wkB/s'])} r_await ${f(this.r_await)} w_await ${f(this.w_await)} aqu-sz ${f(this['aqu-sz'])} %util ${f(this['%util'])}>`;
  }
}
