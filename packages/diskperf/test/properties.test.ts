// Model properties from the reference (§12.7): IOPS non-increasing in request size,
// shorter spans never slower, and a lightly loaded FCFS simulation approaching E[S].
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drives, iops, serviceTime, simulateSync } from '../src/index.js';

const list = Object.values(drives);

describe('model properties', () => {
  it('IOPS does not increase with request size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: list.length - 1 }),
        fc.integer({ min: 1, max: 2048 }),
        fc.integer({ min: 1, max: 2048 }),
        (i, a, b) => {
          const d = list[i] ?? list[0];
          if (!d) return false;
          const [small, large] = a <= b ? [a, b] : [b, a];
          return iops(d, { size: small * 512 }) >= iops(d, { size: large * 512 });
        },
      ),
      { numRuns: 200 },
    );
  });
  it('a shorter span never makes random requests slower', () => {
    const d = drives['wd-ultrastar-hc310'] ?? expect.unreachable();
    let prev = 0;
    for (const span of [2 ** 27, 2 ** 30, 2 ** 33, 2 ** 36, 2 ** 39, 2 ** 42]) {
      const t = serviceTime(d, { size: 4096, span }).total;
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
  });
  it('FCFS at very low load responds in about one service time', () => {
    const d = drives['seagate-exos-x24'] ?? expect.unreachable();
    const S = serviceTime(d, { size: 4096 }).total;
    const r = simulateSync({ drive: d, workload: { arrival: { kind: 'poisson', rate: 0.5 } }, ios: 20_000, seed: 8 });
    expect(r.utilization).toBeLessThan(0.01);
    expect(Math.abs(r.mean / S - 1)).toBeLessThan(0.02);
  });
});
