// The data model both renderers draw: named series of (x, y) points or histogram bars,
// axis titles, optional log₂ x axis and one marked point (the knee). Each plot kind is
// converted to this once, so the SVG and the terminal picture always show the same thing.

import { DiskperfError } from '../errors.js';
import type { CurvePoint } from '../response-curve.js';

export type PlotKind = 'response' | 'iops-size' | 'iops-depth' | 'histogram';

export interface Series {
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface Chart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xLog: boolean;
  readonly series: readonly Series[];
  readonly bars?: readonly { readonly x0: number; readonly x1: number; readonly count: number }[];
  readonly marker?: { readonly x: number; readonly y: number; readonly label: string };
  readonly xFormat: (x: number) => string;
}

/** Data for each plot kind. */
export type PlotData = {
  response: {
    readonly curves: readonly { readonly label: string; readonly points: readonly CurvePoint[] }[];
    readonly knee?: CurvePoint;
    readonly title?: string;
  };
  'iops-size': {
    readonly series: readonly {
      readonly label: string;
      readonly points: readonly { readonly size: number; readonly iops: number }[];
    }[];
    readonly title?: string;
  };
  'iops-depth': {
    readonly series: readonly {
      readonly label: string;
      readonly points: readonly { readonly depth: number; readonly iops: number }[];
    }[];
    readonly title?: string;
  };
  histogram: { readonly latencies: ArrayLike<number>; readonly bins?: number; readonly title?: string };
};

const bytes = (b: number) => (b >= 1 << 20 ? `${b / (1 << 20)}M` : b >= 1024 ? `${b / 1024}K` : `${b}`);
const plain = (x: number) => (Math.abs(x) >= 100 || Number.isInteger(x) ? x.toFixed(0) : x.toPrecision(2));

export function toChart<K extends PlotKind>(kind: K, data: PlotData[K]): Chart {
  switch (kind) {
    case 'response': {
      const d = data as PlotData['response'];
      if (!d.curves?.length)
        throw new DiskperfError('ERR_INVALID_ARG_VALUE', "plot 'response' needs curves: [{ label, points }]");
      return {
        title: d.title ?? 'Response time vs utilisation',
        xLabel: 'utilisation ρ (%)',
        yLabel: 'mean response (ms)',
        xLog: false,
        series: d.curves.map((c) => ({
          label: c.label,
          points: c.points.map((p) => ({ x: p.utilization * 100, y: p.response })),
        })),
        ...(d.knee
          ? {
              marker: {
                x: d.knee.utilization * 100,
                y: d.knee.response,
                label: `knee ρ=${(d.knee.utilization * 100).toFixed(0)}%, ${d.knee.response.toFixed(1)} ms`,
              },
            }
          : {}),
        xFormat: plain,
      };
    }
    case 'iops-size':
    case 'iops-depth': {
      const d = data as PlotData['iops-size'] | PlotData['iops-depth'];
      if (!d.series?.length)
        throw new DiskperfError('ERR_INVALID_ARG_VALUE', `plot '${kind}' needs series: [{ label, points }]`);
      const bySize = kind === 'iops-size';
      return {
        title: d.title ?? (bySize ? 'IOPS vs I/O size' : 'IOPS vs queue depth'),
        xLabel: bySize ? 'I/O size (bytes)' : 'requests outstanding',
        yLabel: 'IOPS',
        xLog: true,
        series: d.series.map((s) => ({
          label: s.label,
          points: s.points.map((p) => ({ x: 'size' in p ? p.size : p.depth, y: p.iops })),
        })),
        xFormat: bySize ? bytes : plain,
      };
    }
    case 'histogram': {
      const d = data as PlotData['histogram'];
      const n = d.latencies?.length ?? 0;
      if (n === 0) throw new DiskperfError('ERR_INVALID_ARG_VALUE', "plot 'histogram' needs latencies");
      const bins = Math.max(1, Math.min(200, Math.round(d.bins ?? 30)));
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const v = d.latencies[i] as number;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const w = hi > lo ? (hi - lo) / bins : 1;
      const counts = new Array<number>(bins).fill(0);
      for (let i = 0; i < n; i++) {
        const k = Math.min(bins - 1, Math.floor(((d.latencies[i] as number) - lo) / w));
        counts[k] = (counts[k] as number) + 1;
      }
      return {
        title: d.title ?? `Latency histogram (${n} requests)`,
        xLabel: 'latency (ms)',
        yLabel: 'requests',
        xLog: false,
        series: [],
        bars: counts.map((count, i) => ({ x0: lo + i * w, x1: lo + (i + 1) * w, count })),
        xFormat: plain,
      };
    }
  }
  throw new DiskperfError(
    'ERR_INVALID_ARG_VALUE',
    `unknown plot kind ${JSON.stringify(kind)}; use 'response', 'iops-size', 'iops-depth' or 'histogram'`,
  );
}

/** Data ranges of a chart (x in log₂ when xLog). */
export function extent(c: Chart): { x0: number; x1: number; y0: number; y1: number } {
  const tx = (x: number) => (c.xLog ? Math.log2(x) : x);
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = 0;
  for (const s of c.series) {
    for (const p of s.points) {
      x0 = Math.min(x0, tx(p.x));
      x1 = Math.max(x1, tx(p.x));
      y1 = Math.max(y1, p.y);
    }
  }
  for (const b of c.bars ?? []) {
    x0 = Math.min(x0, b.x0);
    x1 = Math.max(x1, b.x1);
    y1 = Math.max(y1, b.count);
  }
  if (!(x1 > x0)) x1 = x0 + 1;
  return { x0, x1, y0: 0, y1: y1 > 0 ? y1 * 1.05 : 1 };
}

/** "Nice" tick values (1, 2, 5 × 10ⁿ) covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
