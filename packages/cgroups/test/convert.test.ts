import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  blkioWeightToIoWeight,
  cpuMax,
  hugePageSizeName,
  memorySwapToV2,
  numToV2,
  parseCpuMax,
  pidsMax,
  sharesToWeight,
} from '../src/index.js';

const vectors = JSON.parse(readFileSync(new URL('./vectors/conversions.json', import.meta.url), 'utf8'));

describe('sharesToWeight golden table', () => {
  for (const row of vectors.sharesToWeight) {
    it(`shares ${row.shares}`, () => {
      expect(sharesToWeight(row.shares)).toBe(row.quadratic);
      expect(sharesToWeight(row.shares, 'quadratic')).toBe(row.quadratic);
      expect(sharesToWeight(row.shares, 'linear')).toBe(row.linear);
      expect(sharesToWeight(row.shares, 'systemd')).toBe(row.systemd);
    });
  }
  it('0 means unset and out-of-range shares clamp', () => {
    expect(sharesToWeight(0)).toBe(0);
    expect(sharesToWeight(1)).toBe(1);
    expect(sharesToWeight(1_000_000)).toBe(10000);
    expect(sharesToWeight(1_000_000, 'linear')).toBe(10000);
    expect(sharesToWeight(1, 'linear')).toBe(1);
  });
  it('stays within 1..10000 and is monotonic over the whole range', () => {
    let prev = 0;
    for (let s = 2; s <= 262144; s += 97) {
      const w = sharesToWeight(s);
      expect(w).toBeGreaterThanOrEqual(prev);
      expect(w).toBeGreaterThanOrEqual(1);
      expect(w).toBeLessThanOrEqual(10000);
      prev = w;
    }
  });
  it('rejects bad input with a typed error', () => {
    expect(() => sharesToWeight(-1)).toThrow(expect.objectContaining({ code: 'ERR_CGROUP_INVALID_VALUE' }));
    expect(() => sharesToWeight(1.5)).toThrow(expect.objectContaining({ code: 'ERR_CGROUP_INVALID_VALUE' }));
    expect(() => sharesToWeight(10, 'nope' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_CGROUP_INVALID_VALUE' }),
    );
  });
});

describe('blkioWeightToIoWeight', () => {
  for (const row of vectors.blkioWeightToIoWeight) {
    it(`${row.blkio} → ${row.io}`, () => expect(blkioWeightToIoWeight(row.blkio)).toBe(row.io));
  }
  it('0 is unset; outside 10..1000 is rejected', () => {
    expect(blkioWeightToIoWeight(0)).toBe(0);
    expect(() => blkioWeightToIoWeight(5)).toThrow(expect.objectContaining({ code: 'ERR_CGROUP_INVALID_VALUE' }));
    expect(() => blkioWeightToIoWeight(1001)).toThrow(expect.objectContaining({ code: 'ERR_CGROUP_INVALID_VALUE' }));
  });
});

describe('memorySwapToV2', () => {
  for (const row of vectors.memorySwapToV2) {
    it(`limit ${row.limit} swap ${row.swap}`, () => {
      if (row.error)
        expect(() => memorySwapToV2(row.swap, row.limit)).toThrow(expect.objectContaining({ code: row.error }));
      else expect(memorySwapToV2(row.swap, row.limit)).toBe(row.v2);
    });
  }
  it('swap unset stays unset unless the limit is unlimited', () => {
    expect(memorySwapToV2(undefined, 1000)).toBeUndefined();
    expect(memorySwapToV2(undefined, undefined)).toBeUndefined();
    expect(memorySwapToV2(undefined, -1)).toBe(-1);
  });
});

describe('small conversions', () => {
  it('numToV2: -1 → max, 0 → unset', () => {
    expect(numToV2(-1)).toBe('max');
    expect(numToV2(0)).toBeUndefined();
    expect(numToV2(undefined)).toBeUndefined();
    expect(numToV2(4096)).toBe('4096');
  });
  it('cpuMax and parseCpuMax', () => {
    expect(cpuMax(20000, 100000)).toBe('20000 100000');
    expect(cpuMax(-1, 100000)).toBe('max 100000');
    expect(cpuMax(0, 50000)).toBe('max 50000');
    expect(cpuMax(20000, undefined)).toBe('20000');
    expect(cpuMax(undefined, undefined)).toBeUndefined();
    expect(parseCpuMax('max 100000\n')).toEqual({ quota: -1, period: 100000 });
    expect(parseCpuMax('20000 50000')).toEqual({ quota: 20000, period: 50000 });
  });
  it('pidsMax follows runc: 0 → 1, negative → max', () => {
    expect(pidsMax(0)).toBe('1');
    expect(pidsMax(-1)).toBe('max');
    expect(pidsMax(-7)).toBe('max');
    expect(pidsMax(64)).toBe('64');
    expect(() => pidsMax(1.5)).toThrow(expect.objectContaining({ code: 'ERR_CGROUP_INVALID_VALUE' }));
  });
  it('hugePageSizeName', () => {
    expect(hugePageSizeName(2048)).toBe('2MB');
    expect(hugePageSizeName(1048576)).toBe('1GB');
    expect(hugePageSizeName(64)).toBe('64KB');
  });
});
