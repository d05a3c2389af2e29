// Seek time as a function of distance. Short seeks are dominated by the arm's
// acceleration (time ∝ √d), long ones by coasting at top speed (time linear in d):
// Ruemmler & Wilkes (1994), the form DiskSim calls "HPL". A datasheet gives three
// points — single-track, average and full stroke — and `seekCurve(drive)` fits the
// curve through them so that the datasheet's own averaging reproduces its average.
import { inspect } from 'node:util';
import type { DriveSpec } from './drive-spec.js';
import { checkInteger, checkNumber, DiskperfError } from './errors.js';

/** Ruemmler–Wilkes/HPL parameters: t(1) = singleCylinder; t(d) = sqrtConst + sqrtMult·√d below the boundary, linConst + linMult·d from it. */
export interface HplParams {
  readonly kind: 'hpl';
  readonly cylinders: number;
  readonly boundary: number;
  readonly singleCylinder: number;
  readonly sqrtConst: number;
  readonly sqrtMult: number;
  readonly linConst: number;
  readonly linMult: number;
}

/** A measured distance → ms table, interpolated linearly (d = 0 is always 0 ms). */
export interface TableParams {
  readonly kind: 'table';
  readonly cylinders: number;
  readonly points: readonly (readonly [distance: number, ms: number])[];
}

/** Constant arm speed plus a settle time (OSTEP disk.py: 40 ticks per track, no settle). */
export interface LinearParams {
  readonly kind: 'linear';
  readonly cylinders: number;
  readonly perCylinder: number;
  readonly settle: number;
}

export type SeekCurveParams = HplParams | TableParams | LinearParams;

/** A seek curve over a drive's cylinders. Times in ms. */
export class SeekCurve {
  readonly params: SeekCurveParams;
  readonly cylinders: number;
  readonly at: (distance: number) => number;
  private readonly momentCache = new Map<number, { mean: number; meanSquare: number }>();

  constructor(params: SeekCurveParams) {
    this.params = params;
    this.cylinders = checkInteger('cylinders', params.cylinders, 1);
    this.at = compile(params);
  }

  /**
   * Mean and mean square of the seek time between two cylinders drawn uniformly and
   * independently from the first `span` cylinders (zero-distance seeks included).
   */
  moments(span = this.cylinders): { mean: number; meanSquare: number } {
    const n = Math.max(1, Math.min(this.cylinders, Math.round(span)));
    const hit = this.momentCache.get(n);
    if (hit) return hit;
    let s1 = 0;
    let s2 = 0;
    for (let d = 1; d < n; d++) {
      const t = this.at(d);
      const w = n - d;
      s1 += w * t;
      s2 += w * t * t;
    }
    const m = { mean: (2 * s1) / (n * n), meanSquare: (2 * s2) / (n * n) };
    this.momentCache.set(n, m);
    return m;
  }

  /** The datasheet average: Σ (max+1−n)·t(n) / Σ (max+1−n) over n = 1…max, zero-length seeks excluded. */
  datasheetAverage(): number {
    const n = this.cylinders;
    let s = 0;
    let w = 0;
    for (let d = 1; d < n; d++) {
      s += (n - d) * this.at(d);
      w += n - d;
    }
    return w === 0 ? 0 : s / w;
  }

  [inspect.custom](): string {
    const p = this.params;
    if (p.kind === 'hpl') {
      return `SeekCurve<hpl: t(1)=${p.singleCylinder} ms; ${p.sqrtConst.toFixed(3)} + ${p.sqrtMult.toFixed(5)}·√d for d < ${p.boundary}; ${p.linConst.toFixed(3)} + ${p.linMult.toExponential(3)}·d; ${p.cylinders} cylinders>`;
    }
    return `SeekCurve<${p.kind}, ${p.cylinders} cylinders, full stroke ${this.at(p.cylinders - 1).toFixed(2)} ms>`;
  }
}

function compile(p: SeekCurveParams): (d: number) => number {
  switch (p.kind) {
    case 'hpl': {
      const { boundary, singleCylinder, sqrtConst, sqrtMult, linConst, linMult } = p;
      return (d) =>
        d <= 0
          ? 0
          : d === 1
            ? singleCylinder
            : d < boundary
              ? sqrtConst + sqrtMult * Math.sqrt(d)
              : linConst + linMult * d;
    }
    case 'linear': {
      const { perCylinder, settle } = p;
      return (d) => (d <= 0 ? 0 : settle + perCylinder * d);
    }
    case 'table': {
      const pts = [...p.points].sort((a, b) => a[0] - b[0]);
      if (pts.length === 0)
        throw new DiskperfError('ERR_INVALID_ARG_VALUE', 'seek table needs at least one [distance, ms] point');
      const xs = pts.map((q) => q[0]);
      const ys = pts.map((q) => q[1]);
      return (d) => {
        if (d <= 0) return 0;
        let lo = 0;
        let hi = xs.length - 1;
        if (d <= (xs[0] as number)) return ys[0] as number;
        if (d >= (xs[hi] as number)) return ys[hi] as number;
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if ((xs[mid] as number) <= d) lo = mid;
          else hi = mid;
        }
        const x0 = xs[lo] as number;
        const y0 = ys[lo] as number;
        return y0 + (((ys[hi] as number) - y0) * (d - x0)) / ((xs[hi] as number) - x0);
      };
    }
  }
}

/**
 * Fits an HPL curve through a drive's single-track, average and full-stroke read seeks:
 * value and slope continuous at the boundary, t(max) = full stroke, and the datasheet's
 * weighted average (zero-length seeks excluded) equal to `readAvg`. Of the boundaries
 * that meet these, the one whose √ branch starts nearest the single-track time is kept:
 * a short seek is settle-dominated, and settle is what a single-track seek measures.
 * Throws ERR_SEEK_CURVE_INFEASIBLE when no curve of this form meets all three points.
 */
export function seekCurve(source: DriveSpec | SeekCurveParams): SeekCurve {
  if ('kind' in source) return new SeekCurve(source);
  return new SeekCurve(
    fitHpl(source.cylinders, source.seek.trackToTrack, source.seek.readAvg, source.seek.fullStroke, source.id),
  );
}

function fitHpl(cylinders: number, t1: number, avg: number, full: number, id: string): HplParams {
  checkInteger('cylinders', cylinders, 3);
  checkNumber('readAvg', avg, t1, full);
  const N = cylinders;
  const D = N - 1;
  let W = 0;
  for (let d = 1; d <= D; d++) W += N - d;
  const w1 = N - 1;
  let best: HplParams | undefined;
  let bestGap = Number.POSITIVE_INFINITY;
  for (let step = 1; step <= 50; step++) {
    const x = Math.max(2, Math.min(D, Math.round((step / 50) * D)));
    const sx = Math.sqrt(x);
    const k = (D - x) / (2 * sx);
    // With slope and value continuity, t(d) = full + b·g(d) for d ≥ 2 (g ≤ 0): solve the average for b.
    let G = 0;
    for (let d = 2; d <= D; d++) {
      const g = d < x ? Math.sqrt(d) - sx - k : -(D - d) / (2 * sx);
      G += (N - d) * g;
    }
    const b = (avg * W - w1 * t1 - full * (W - w1)) / G;
    const sqrtConst = full - b * (sx + k);
    if (!(b >= 0) || sqrtConst < 0 || sqrtConst + b * Math.SQRT2 < t1) continue;
    const gap = Math.abs(sqrtConst - t1);
    if (gap < bestGap) {
      bestGap = gap;
      const linMult = b / (2 * sx);
      best = {
        kind: 'hpl',
        cylinders: N,
        boundary: x,
        singleCylinder: t1,
        sqrtConst,
        sqrtMult: b,
        linConst: full - linMult * D,
        linMult,
      };
    }
  }
  if (best) return best;
  throw new DiskperfError(
    'ERR_SEEK_CURVE_INFEASIBLE',
    `drive '${id}': no √d-then-linear seek curve passes through single-track ${t1} ms, average ${avg} ms and full stroke ${full} ms over ${N} cylinders; check the datasheet values or pass a seek table`,
  );
}
