import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { knee, md1, mg1, mm1, responseCurve } from '../src/index.js';
import table from './fixtures/queueing-table.json' with { type: 'json' };

describe('M/M/1 and M/D/1 on the seed service time', () => {
  for (const row of table.rows) {
    it(`ρ = ${row.utilization}: ${row.mm1} / ${row.md1} ms`, () => {
      const S = table.meanService;
      expect(mm1({ meanService: S, utilization: row.utilization }).response).toBeCloseTo(row.mm1, 2);
      expect(md1({ meanService: S, utilization: row.utilization }).response).toBeCloseTo(row.md1, 2);
    });
  }
  it('takes an arrival rate as well as a utilisation', () => {
    const q = mm1({ meanService: 10, arrivalRate: 50 });
    expect(q.utilization).toBeCloseTo(0.5, 12);
    expect(q.response).toBeCloseTo(20, 12);
    expect(q.throughput).toBeCloseTo(50, 12);
    // Little: L = λR, Lq = λWq
    expect(q.inSystem).toBeCloseTo(1, 12);
    expect(q.queueLength).toBeCloseTo(0.5, 12);
  });
  it('rejects ρ ≥ 1 with ERR_UNSTABLE_QUEUE', () => {
    expect(() => mm1({ meanService: 10, utilization: 1 })).toThrow(
      expect.objectContaining({ code: 'ERR_UNSTABLE_QUEUE' }),
    );
    expect(() => md1({ meanService: 10, arrivalRate: 150 })).toThrow(/steady state/);
    expect(() => mm1({ meanService: 10 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});

describe('M/G/1 (Pollaczek–Khinchine)', () => {
  it('C² = 1 is M/M/1 and C² = 0 is M/D/1, at any load', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (S, rho) => {
          const a = mg1({ meanService: S, scv: 1, utilization: rho }).response;
          const b = mm1({ meanService: S, utilization: rho }).response;
          const c = mg1({ meanService: S, scv: 0, utilization: rho }).response;
          const d = md1({ meanService: S, utilization: rho }).response;
          return Math.abs(a - b) <= 1e-9 * b && Math.abs(c - d) <= 1e-9 * d;
        },
      ),
    );
  });
  it('response grows with load and with variability', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.98, noNaN: true }),
        fc.double({ min: 0, max: 4, noNaN: true }),
        (rho, scv) => {
          const r = mg1({ meanService: 5, scv, utilization: rho }).response;
          return (
            mg1({ meanService: 5, scv, utilization: rho + 0.01 }).response > r &&
            mg1({ meanService: 5, scv: scv + 0.1, utilization: rho }).response >= r
          );
        },
      ),
    );
  });
});

describe('responseCurve and knee', () => {
  it('samples from → to by step and matches mm1', () => {
    const c = responseCurve(9.948, { from: 0, to: 0.9, step: 0.1 });
    expect(c.map((p) => p.utilization)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(c[7]?.response).toBeCloseTo(33.16, 2);
  });
  it('puts the M/M/1 knee near 70% over 0…0.9', () => {
    const k = knee(responseCurve(9.948));
    expect(k.utilization).toBeGreaterThanOrEqual(0.66);
    expect(k.utilization).toBeLessThanOrEqual(0.72);
  });
  it('moves the knee right for less variable service', () => {
    const kExp = knee(responseCurve({ meanService: 10, scv: 1 }));
    const kDisk = knee(responseCurve({ meanService: 10, scv: 0.1 }));
    expect(kDisk.utilization).toBeGreaterThanOrEqual(kExp.utilization);
  });
  it('refuses to plot into saturation', () => {
    expect(() => responseCurve(10, { to: 1 })).toThrow(expect.objectContaining({ code: 'ERR_UNSTABLE_QUEUE' }));
    expect(() => knee([{ utilization: 0, response: 1 }])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});
