// Seek-time moments for requests at uniformly random LBAs. Zoned recording puts more
// sectors on outer cylinders, so random LBAs land on outer cylinders more often than a
// uniform cylinder choice would, and the mean random seek is a little shorter than the
// datasheet average (which weights all cylinder pairs equally). The distance
// distribution is the autocorrelation of a piecewise-constant weight per zone.
import type { SeekCurve } from '../seek-curve.js';
import type { Layout } from './layout.js';

export interface SeekMoments {
  readonly mean: number;
  readonly meanSquare: number;
  /** Probability that two random requests are on different cylinders. */
  readonly pMove: number;
}

const cache = new WeakMap<SeekCurve, Map<number, SeekMoments>>();

/** Moments of t(|c1 − c2|) for c1, c2 the cylinders of two random LBAs in the first `n` cylinders. */
export function lbaSeekMoments(layout: Layout, curve: SeekCurve, n: number): SeekMoments {
  let byN = cache.get(curve);
  if (!byN) {
    byN = new Map();
    cache.set(curve, byN);
  }
  const hit = byN.get(n);
  if (hit) return hit;
  const lo: number[] = [];
  const hi: number[] = [];
  const w: number[] = [];
  let total = 0;
  for (let z = 0; z < layout.sectorsPerTrack.length; z++) {
    const a = layout.zoneStartCyl[z] as number;
    const b = Math.min(n, layout.zoneStartCyl[z + 1] as number);
    if (b <= a) continue;
    lo.push(a);
    hi.push(b);
    w.push(layout.sectorsPerTrack[z] as number);
    total += (b - a) * (layout.sectorsPerTrack[z] as number);
  }
  const Z = w.length;
  let p0 = 0;
  for (let i = 0; i < Z; i++) p0 += (w[i] as number) ** 2 * ((hi[i] as number) - (lo[i] as number));
  let s1 = 0;
  let s2 = 0;
  for (let d = 1; d < n; d++) {
    let mass = 0;
    for (let i = 0; i < Z; i++) {
      const ai = lo[i] as number;
      const bi = hi[i] as number;
      for (let j = i; j < Z; j++) {
        // cylinders c in zone i whose partner c + d lies in zone j
        const overlap = Math.min(bi, (hi[j] as number) - d) - Math.max(ai, (lo[j] as number) - d);
        if (overlap > 0) mass += (w[i] as number) * (w[j] as number) * overlap;
      }
    }
    if (mass === 0) continue;
    const t = curve.at(d);
    s1 += mass * t;
    s2 += mass * t * t;
  }
  const norm = total * total;
  const m = { mean: (2 * s1) / norm, meanSquare: (2 * s2) / norm, pMove: 1 - p0 / norm };
  byN.set(n, m);
  return m;
}
