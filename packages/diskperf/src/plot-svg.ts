// Plots as self-contained SVG strings (no dependency, no fonts beyond a generic family),
// for READMEs, reports and notebooks.
import { type Chart, extent, type PlotData, type PlotKind, ticks, toChart } from './internal/chart.js';

export type { PlotData, PlotKind };

export interface SvgOptions {
  /** @default 640 */
  readonly width?: number;
  /** @default 400 */
  readonly height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => Number(v.toFixed(2)).toString();

/** Renders one of the plot kinds as an SVG document string. */
export function plotSvg<K extends PlotKind>(kind: K, data: PlotData[K], options: SvgOptions = {}): string {
  return renderSvg(toChart(kind, data), options);
}

function renderSvg(c: Chart, o: SvgOptions): string {
  const W = o.width ?? 640;
  const H = o.height ?? 400;
  const m = { l: 64, r: 16, t: 36, b: 48 };
  const e = extent(c);
  const px = (x: number) => m.l + ((x - e.x0) / (e.x1 - e.x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - e.y0) / (e.y1 - e.y0)) * (H - m.t - m.b);
  const tx = (x: number) => (c.xLog ? Math.log2(x) : x);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(c.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(c.title)}</text>`,
  ];
  // axes and grid
  const xt = c.xLog
    ? ticks(Math.ceil(e.x0), Math.floor(e.x1), Math.min(8, Math.floor(e.x1) - Math.ceil(e.x0) || 1)).filter(
        Number.isInteger,
      )
    : ticks(e.x0, e.x1);
  for (const t of xt) {
    out.push(`<line x1="${n(px(t))}" y1="${m.t}" x2="${n(px(t))}" y2="${H - m.b}" stroke="#eee"/>`);
    out.push(
      `<text x="${n(px(t))}" y="${H - m.b + 16}" text-anchor="middle">${esc(c.xFormat(c.xLog ? 2 ** t : t))}</text>`,
    );
  }
  for (const t of ticks(e.y0, e.y1)) {
    out.push(`<line x1="${m.l}" y1="${n(py(t))}" x2="${W - m.r}" y2="${n(py(t))}" stroke="#eee"/>`);
    out.push(`<text x="${m.l - 6}" y="${n(py(t) + 4)}" text-anchor="end">${esc(String(t))}</text>`);
  }
  out.push(`<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/>`);
  out.push(`<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`);
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  out.push(
    `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>`,
  );
  for (const b of c.bars ?? []) {
    const x = px(b.x0);
    out.push(
      `<rect class="bar" x="${n(x)}" y="${n(py(b.count))}" width="${n(Math.max(0.5, px(b.x1) - x - 1))}" height="${n(H - m.b - py(b.count))}" fill="${COLORS[0]}"/>`,
    );
  }
  c.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = s.points.map((p) => `${n(px(tx(p.x)))},${n(py(p.y))}`).join(' ');
    out.push(`<polyline class="series" fill="none" stroke="${color}" stroke-width="2" points="${pts}"/>`);
    for (const p of s.points.length <= 24 ? s.points : [])
      out.push(`<circle cx="${n(px(tx(p.x)))}" cy="${n(py(p.y))}" r="2.5" fill="${color}"/>`);
    out.push(`<rect x="${m.l + 12}" y="${m.t + 6 + i * 16}" width="12" height="3" fill="${color}"/>`);
    out.push(`<text x="${m.l + 30}" y="${m.t + 11 + i * 16}">${esc(s.label)}</text>`);
  });
  if (c.marker) {
    const x = px(tx(c.marker.x));
    const y = py(c.marker.y);
    out.push(
      `<g class="knee"><line x1="${n(x)}" y1="${n(y)}" x2="${n(x)}" y2="${H - m.b}" stroke="#555" stroke-dasharray="4 3"/>`,
    );
    out.push(`<circle cx="${n(x)}" cy="${n(y)}" r="5" fill="none" stroke="#000" stroke-width="2"/>`);
    out.push(`<text x="${n(x - 8)}" y="${n(y - 10)}" text-anchor="end">${esc(c.marker.label)}</text></g>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
