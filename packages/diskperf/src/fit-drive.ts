// From measured depth-1 latencies back to a drive model. The mean latency is
// seek + half a revolution + transfer; the spindle speed is not in the mean, so it is
// chosen among the standard speeds as the one whose implied average seek falls in that
// speed class's datasheet range (the catalogue's drives), and whose uniform rotational
// delay (variance rev²/12) does not exceed the measured variance. A device whose
// latencies fit no class — an SSD, a virtual disk, a cache — is reported as not an HDD.
import { inspect } from 'node:util';
import { checkNumber, DiskperfError } from './errors.js';
import { revolutionTime } from './rotation.js';
import type { SimpleDrive } from './service-time.js';

export interface FitInput {
  /** Per-request latencies in ms, measured one at a time (depth 1). */
  readonly latencies: ArrayLike<number>;
  /** Request size in bytes. @default 4096 */
  readonly ioSize?: number;
  /** Media rate in bytes/s, if known. @default 150e6 (its share of a 4 KiB read is 27 µs) */
  readonly transferRate?: number;
  /** Spindle speed, if known; otherwise estimated. */
  readonly rpm?: number;
  /** Requests that were outstanding; the fit needs 1. @default 1 */
  readonly depth?: number;
}

export interface DriveFit {
  readonly samples: number;
  readonly meanLatency: number;
  readonly stddev: number;
  /** Mean latency minus transfer: seek + rotational latency, ms. */
  readonly averageAccess: number;
  readonly iops: number;
  /** Given, or estimated from the speed classes; null when nothing fits. */
  readonly rpm: number | null;
  readonly rpmEstimated: boolean;
  readonly averageSeek: number | null;
  readonly looksLikeHdd: boolean;
  /** An effective model for serviceTime()/iops(), or null when not an HDD. */
  readonly drive: SimpleDrive | null;
  readonly notes: readonly string[];
}

// Average read seek ranges (ms) by spindle speed, spanning the catalogue's typ..max values.
const CLASSES: readonly { rpm: number; seek: readonly [number, number] }[] = [
  { rpm: 5400, seek: [10, 15] },
  { rpm: 7200, seek: [6.5, 10.5] },
  { rpm: 10_000, seek: [3, 5] },
  { rpm: 15_000, seek: [2.5, 4.2] },
];

/** Accepts a probe or simulation result (with latencies) or explicit samples. */
export function fitDrive(
  input:
    | FitInput
    | { readonly latencies?: ArrayLike<number>; readonly ioSize?: number; readonly effectiveDepth?: number },
): DriveFit {
  const lat = input.latencies;
  const depth =
    'effectiveDepth' in input && input.effectiveDepth !== undefined
      ? input.effectiveDepth
      : ((input as FitInput).depth ?? 1);
  if (depth !== 1) {
    throw new DiskperfError(
      'ERR_FIT_INSUFFICIENT',
      `fitDrive needs depth-1 latencies (queueing adds waiting time to each); this run had ${depth} outstanding — probe again with depth: 1`,
    );
  }
  if (!lat || lat.length < 100) {
    throw new DiskperfError(
      'ERR_FIT_INSUFFICIENT',
      `fitDrive needs at least 100 latencies, got ${lat?.length ?? 0}; run longer (or keepLatencies: true for a simulation)`,
    );
  }
  const f = input as FitInput;
  const ioSize = checkNumber('ioSize', input.ioSize ?? 4096, 0);
  const rate = checkNumber('transferRate', f.transferRate ?? 150e6, 1);
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < lat.length; i++) {
    const v = lat[i] as number;
    sum += v;
    sq += v * v;
  }
  const n = lat.length;
  const mean = sum / n;
  const variance = Math.max(0, sq / n - mean * mean);
  const transfer = (ioSize / rate) * 1000;
  const averageAccess = mean - transfer;
  const notes: string[] = [];
  let rpm: number | null = f.rpm === undefined ? null : checkNumber('rpm', f.rpm, 1, 1e6);
  const rpmEstimated = rpm === null;
  if (rpm === null) {
    let bestGap = Number.POSITIVE_INFINITY;
    for (const c of CLASSES) {
      const rev = revolutionTime(c.rpm);
      const seek = averageAccess - rev / 2;
      if (seek < c.seek[0] || seek > c.seek[1] || (rev * rev) / 12 > variance * 1.1) continue;
      const gap = Math.abs(seek - (c.seek[0] + c.seek[1]) / 2);
      if (gap < bestGap) {
        bestGap = gap;
        rpm = c.rpm;
      }
    }
    if (rpm === null)
      notes.push(
        `mean access ${averageAccess.toFixed(3)} ms fits no HDD speed class (5400–15 000 rpm): not a spinning disk, or its cache answered`,
      );
    else notes.push(`rpm estimated as ${rpm}: the implied average seek is in that class's datasheet range`);
  }
  const averageSeek = rpm === null ? null : averageAccess - revolutionTime(rpm) / 2;
  const looksLikeHdd = averageSeek !== null && averageSeek > 0.5;
  if (averageSeek !== null && averageSeek <= 0.5)
    notes.push(`implied average seek ${averageSeek.toFixed(3)} ms is below any HDD's settle time`);
  const r: DriveFit = {
    samples: n,
    meanLatency: mean,
    stddev: Math.sqrt(variance),
    averageAccess,
    iops: 1000 / mean,
    rpm,
    rpmEstimated,
    averageSeek,
    looksLikeHdd,
    drive: looksLikeHdd && rpm !== null && averageSeek !== null ? { rpm, averageSeek, transferRate: rate } : null,
    notes,
  };
  return Object.assign(new Fit(), r);
}

class Fit {
  [inspect.custom](this: DriveFit): string {
    return this.looksLikeHdd
      ? `DriveFit<${this.rpm} rpm${this.rpmEstimated ? ' (estimated)' : ''}, seek ${this.averageSeek?.toFixed(2)} ms, access ${this.averageAccess.toFixed(2)} ms, ${this.iops.toFixed(1)} IOPS at QD1, n=${this.samples}>`
      : `DriveFit<not an HDD: mean ${(this.meanLatency * 1000).toFixed(1)} µs, n=${this.samples}>`;
  }
}
