import { describe, expect, it } from 'vitest';
import {
  iops,
  KiB,
  kB,
  MB,
  MiB,
  revolutionTime,
  rotationalLatency,
  serviceTime,
  throughput,
  unitScale,
} from '../src/index.js';
import seed from './fixtures/seed-example.json' with { type: 'json' };

describe('the seed example under each unit convention', () => {
  for (const c of seed.cases) {
    it(`${c.convention}: ${c.total} ms, ${c.iops} IOPS`, () => {
      const scale = unitScale(c.convention as 'binary' | 'mixed' | 'decimal');
      const size = seed.drive.sizeKB * scale.KB;
      const transferRate = seed.drive.rateMB * scale.MB;
      expect(size).toBe(c.sizeBytes);
      expect(transferRate).toBe(c.rateBytesPerSecond);
      const st = serviceTime({ rpm: 7200, averageSeek: 5, transferRate }, { size });
      expect(st.seek).toBe(5);
      expect(st.rotation).toBeCloseTo(4.16667, 5);
      expect(st.transfer).toBeCloseTo(c.transfer, 10);
      expect(st.total).toBeCloseTo(c.total, 3);
      expect(iops({ rpm: 7200, averageSeek: 5, transferRate }, { size })).toBeCloseTo(c.iops, 2);
    });
  }

  it('binary reading is the seed’s 9.948 ms and 100.52 IOPS', () => {
    const d = { rpm: 7200, averageSeek: 5, transferRate: MiB(40) };
    expect(serviceTime(d, { size: KiB(32) }).total.toFixed(3)).toBe('9.948');
    expect(iops(d, { size: KiB(32) }).toFixed(2)).toBe('100.52');
    expect(throughput(d, { size: KiB(32) }) / 32768).toBeCloseTo(iops(d, { size: KiB(32) }), 9);
  });

  it('sequential requests pay transfer only', () => {
    const st = serviceTime(
      { rpm: 7200, averageSeek: 5, transferRate: MB(40) },
      { size: kB(32), pattern: 'sequential' },
    );
    expect(st).toEqual({ seek: 0, rotation: 0, transfer: 0.8, total: 0.8 });
  });
});

describe('rotation', () => {
  for (const r of seed.rotation) {
    it(`${r.rpm} rpm → ${r.revolution} ms per revolution, ${r.average} ms average`, () => {
      expect(revolutionTime(r.rpm)).toBeCloseTo(r.revolution, 3);
      expect(rotationalLatency(r.rpm)).toBeCloseTo(r.average, 3);
    });
  }
  it('5400 rpm prints as 11.11 and 5.56', () => {
    expect(revolutionTime(5400).toFixed(2)).toBe('11.11');
    expect(rotationalLatency(5400).toFixed(2)).toBe('5.56');
  });
  it('rejects a non-positive rpm with a typed error', () => {
    expect(() => rotationalLatency(0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => rotationalLatency(Number.NaN)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});

describe('argument checks', () => {
  it('names the bad parameter', () => {
    const d = { rpm: 7200, averageSeek: 5, transferRate: MB(40) };
    expect(() => serviceTime(d, { size: -1 })).toThrow(/"size"/);
    expect(() => serviceTime(d, { size: 1, pattern: 'zigzag' as 'random' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => serviceTime(d, { size: 1, span: 1e9 })).toThrow(/span/);
  });
});
