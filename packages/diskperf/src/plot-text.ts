// The same plots drawn with characters, for the REPL and CI logs: one glyph per series,
// 'K' at the knee, block characters for histogram bars.
import { extent, type PlotData, type PlotKind, ticks, toChart } from './internal/chart.js';

export interface TextPlotOptions {
  /** Plot area columns. @default 60 */
  readonly width?: number;
  /** Plot area rows. @default 16 */
  readonly height?: number;
}

const GLYPHS = ['*', 'o', '+', 'x', '#', '@'];

/** Renders a plot kind as lines of text (no colour codes). */
export function plotText<K extends PlotKind>(kind: K, data: PlotData[K], options: TextPlotOptions = {}): string {
  const c = toChart(kind, data);
  const W = Math.max(10, options.width ?? 60);
  const H = Math.max(4, options.height ?? 16);
  const e = extent(c);
  const tx = (x: number) => (c.xLog ? Math.log2(x) : x);
  const col = (x: number) => Math.round(((x - e.x0) / (e.x1 - e.x0)) * (W - 1));
  const row = (y: number) => H - 1 - Math.round(((y - e.y0) / (e.y1 - e.y0)) * (H - 1));
  const grid = Array.from({ length: H }, () => new Array<string>(W).fill(' '));
  const put = (r: number, k: number, ch: string) => {
    if (r >= 0 && r < H && k >= 0 && k < W) (grid[r] as string[])[k] = ch;
  };
  for (const b of c.bars ?? []) {
    const top = row(b.count);
    for (let k = col(b.x0); k <= Math.max(col(b.x0), col(b.x1) - 1); k++)
      for (let r = top; r < H; r++) put(r, k, b.count > 0 ? '█' : ' ');
  }
  c.series.forEach((s, i) => {
    const g = GLYPHS[i % GLYPHS.length] as string;
    // draw segments between points so sparse series still read as lines
    for (let j = 0; j < s.points.length; j++) {
      const p = s.points[j] as { x: number; y: number };
      const q = s.points[j + 1];
      if (!q) {
        put(row(p.y), col(tx(p.x)), g);
        continue;
      }
      const steps = Math.max(1, Math.abs(col(tx(q.x)) - col(tx(p.x))));
      for (let t = 0; t <= steps; t++) {
        const x = tx(p.x) + ((tx(q.x) - tx(p.x)) * t) / steps;
        const y = p.y + ((q.y - p.y) * t) / steps;
        put(row(y), col(x), g);
      }
    }
  });
  if (c.marker) put(row(c.marker.y), col(tx(c.marker.x)), 'K');
  const yt = ticks(e.y0, e.y1, 4);
  const labelW = Math.max(...yt.map((t) => String(t).length));
  const lines = [c.title];
  grid.forEach((r, i) => {
    const t = yt.find((v) => row(v) === i);
    lines.push(`${(t === undefined ? '' : String(t)).padStart(labelW)} |${r.join('')}`);
  });
  lines.push(`${' '.repeat(labelW)} +${'-'.repeat(W)}`);
  const xt = c.xLog ? ticks(Math.ceil(e.x0), Math.floor(e.x1), 6).filter(Number.isInteger) : ticks(e.x0, e.x1, 5);
  const axis = new Array<string>(W + 2).fill(' ');
  for (const t of xt) {
    const s = c.xFormat(c.xLog ? 2 ** t : t);
    const at = col(t) + 2 - Math.floor(s.length / 2);
    for (let k = 0; k < s.length; k++) if (at + k >= 0 && at + k < axis.length) axis[at + k] = s[k] as string;
  }
  lines.push(`${' '.repeat(labelW)}${axis.join('')}`);
  lines.push(`${' '.repeat(labelW)}  ${c.xLabel}; y: ${c.yLabel}`);
  c.series.forEach((s, i) => {
    lines.push(`${' '.repeat(labelW)}  ${GLYPHS[i % GLYPHS.length]} ${s.label}`);
  });
  if (c.marker) lines.push(`${' '.repeat(labelW)}  K ${c.marker.label}`);
  return lines.join('\n');
}
