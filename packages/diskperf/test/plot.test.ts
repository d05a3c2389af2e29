import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drives, knee, plotSvg, plotText, responseCurve, schedulers, simulateSync } from '../src/index.js';
import { depthFigure, readmeFigure } from './readme-figure.js';

// A small well-formedness check: every tag closes in order, attributes are quoted.
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (self) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name as string);
  }
  const stripped = svg.replace(/<[^>]*>/g, '');
  return stack.length === 0 && !/[<>]/.test(stripped);
}

const curve = responseCurve(9.948);
const k = knee(curve);

describe('plotSvg', () => {
  it('draws response time vs utilisation with the knee marked', () => {
    const svg = plotSvg('response', { curves: [{ label: 'M/M/1 <S=9.948>', points: curve }], knee: k });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(wellFormed(svg)).toBe(true);
    expect(svg.match(/class="series"/g)).toHaveLength(1);
    expect(svg).toContain('class="knee"');
    expect(svg).toContain(`knee ρ=${(k.utilization * 100).toFixed(0)}%`);
    expect(svg).toContain('M/M/1 &lt;S=9.948&gt;'); // labels are escaped
  });
  it('draws IOPS vs queue depth per scheduler on a log₂ axis', () => {
    const drive = drives['seagate-exos-x24'] ?? expect.unreachable();
    const series = schedulers.map((s) => ({
      label: s,
      points: [1, 2, 4, 8, 16, 32].map((depth) => ({
        depth,
        iops: simulateSync({ drive, scheduler: s, workload: { arrival: { kind: 'closed', depth } }, ios: 2000 }).iops,
      })),
    }));
    const svg = plotSvg('iops-depth', { series });
    expect(wellFormed(svg)).toBe(true);
    expect(svg.match(/class="series"/g)).toHaveLength(4);
    for (const d of ['1', '2', '4', '8', '16', '32']) expect(svg).toContain(`>${d}</text>`);
  });
  it('draws IOPS vs I/O size and a latency histogram', () => {
    const svg = plotSvg('iops-size', {
      series: [
        {
          label: 'x24',
          points: [
            { size: 4096, iops: 80 },
            { size: 65536, iops: 75 },
            { size: 1 << 20, iops: 50 },
          ],
        },
      ],
    });
    expect(wellFormed(svg)).toBe(true);
    expect(svg).toContain('>64K</text>');
    const h = plotSvg('histogram', { latencies: [1, 2, 2, 3, 3, 3, 9], bins: 4 });
    expect(wellFormed(h)).toBe(true);
    expect(h.match(/class="bar"/g)).toHaveLength(4);
  });
  it('rejects empty data and unknown kinds with ERR_INVALID_ARG_VALUE', () => {
    expect(() => plotSvg('response', { curves: [] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => plotSvg('histogram', { latencies: [] })).toThrow(/latencies/);
    expect(() => plotSvg('pie' as 'response', { curves: [{ label: 'x', points: curve }] })).toThrow(
      /unknown plot kind/,
    );
  });
});

describe('plotText', () => {
  it('renders the response curve with its knee for the REPL', () => {
    const t = plotText('response', { curves: [{ label: 'M/M/1', points: curve }], knee: k }, { width: 50, height: 12 });
    const lines = t.split('\n');
    expect(lines[0]).toBe('Response time vs utilisation');
    expect(t).toContain('K');
    expect(t).toContain('* M/M/1');
    expect(lines.filter((l) => l.includes('|'))).toHaveLength(12);
    // the curve rises: the last column's glyph sits higher than the first's
    const rows = lines.filter((l) => l.includes('|')).map((l) => l.slice(l.indexOf('|') + 1));
    const rowOf = (col: number) => rows.findIndex((r) => r[col] === '*' || r[col] === 'K');
    expect(rowOf(49)).toBeLessThan(rowOf(0));
  });
  it('draws histogram bars', () => {
    expect(plotText('histogram', { latencies: [1, 1, 1, 5], bins: 2 }, { width: 20, height: 5 })).toContain('█');
  });
});

describe('the README figure', () => {
  it('response-time.svg beside the README is what the code draws today', () => {
    const path = join(import.meta.dirname, '..', 'response-time.svg');
    const svg = readmeFigure();
    if (process.env.UPDATE_FIGURES === '1') writeFileSync(path, svg);
    expect(readFileSync(path, 'utf8')).toBe(svg);
  });
  it('iops-depth.svg beside the README is what the simulator gives today', () => {
    const path = join(import.meta.dirname, '..', 'iops-depth.svg');
    const svg = depthFigure();
    if (process.env.UPDATE_FIGURES === '1') writeFileSync(path, svg);
    expect(readFileSync(path, 'utf8')).toBe(svg);
  });
});
