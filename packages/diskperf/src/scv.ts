// How variable random HDD service is. With independent seek, rotational and transfer
// components, Var[S] = Var[seek] + Var[rotation] + Var[transfer]; the rotational delay
// is uniform on one revolution (variance rev²/12) and the seek distance follows from
// two uniform cylinder choices. The result feeds mg1 (Pollaczek–Khinchine).
import type { DriveSpec } from './drive-spec.js';
import { checkNumber, checkOneOf } from './errors.js';
import { cylindersFor, SECTOR, zoneRate } from './internal/layout.js';
import { lbaSeekMoments } from './internal/seek-moments.js';
import { revolutionTime } from './rotation.js';
import { curveOf, layoutFor } from './service-time.js';

export interface ScvWorkload {
  /** Request size in bytes. */
  readonly size: number;
  /** Bytes of the drive used, from LBA 0. @default the whole drive */
  readonly span?: number;
  /** @default 'read' */
  readonly op?: 'read' | 'write';
}

/** Moments of random service time on a drive (ms, ms²). */
export interface ServiceMoments {
  readonly mean: number;
  readonly variance: number;
  /** Var[S] / E[S]². */
  readonly scv: number;
}

/** Mean, variance and squared coefficient of variation of random service on `drive`. */
export function serviceMoments(drive: DriveSpec, workload: ScvWorkload): ServiceMoments {
  const layout = layoutFor(drive);
  const capacity = layout.sectors * SECTOR;
  const size = checkNumber('size', workload.size, 0);
  const span = checkNumber('span', workload.span ?? capacity, SECTOR, capacity);
  const op = checkOneOf('op', workload.op ?? 'read', ['read', 'write'] as const);
  const n = cylindersFor(layout, span);
  const m = lbaSeekMoments(layout, curveOf(drive), n);
  // The write settle adds a constant to every non-zero seek.
  const delta = op === 'write' ? Math.max(0, drive.seek.writeAvg - drive.seek.readAvg) : 0;
  const pMove = m.pMove;
  const seekMean = m.mean + delta * pMove;
  const seekSq = m.meanSquare + 2 * delta * m.mean + delta * delta * pMove;
  const rev = revolutionTime(drive.rpm);
  // Transfer time varies by zone: weight each zone by the share of the span it holds.
  const end = span / SECTOR;
  let t1 = 0;
  let t2 = 0;
  for (let z = 0; z < layout.sectorsPerTrack.length; z++) {
    const a = layout.zoneStartLba[z] as number;
    const b = Math.min(end, layout.zoneStartLba[z + 1] as number);
    if (b <= a) continue;
    const w = (b - a) / end;
    const t = (size / zoneRate(layout, z)) * 1000;
    t1 += w * t;
    t2 += w * t * t;
  }
  const mean = seekMean + rev / 2 + t1;
  const variance = seekSq - seekMean * seekMean + (rev * rev) / 12 + (t2 - t1 * t1);
  return { mean, variance, scv: variance / (mean * mean) };
}

/** Squared coefficient of variation of random service: the C² that mg1 takes. */
export function scvOf(drive: DriveSpec, workload: ScvWorkload): number {
  return serviceMoments(drive, workload).scv;
}
