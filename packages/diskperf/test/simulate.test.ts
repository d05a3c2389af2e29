import { describe, expect, it } from 'vitest';
import {
  drives,
  md1,
  mg1,
  mm1,
  ostepGeometry,
  type SimResult,
  scvOf,
  serviceTime,
  simulate,
  simulateSync,
} from '../src/index.js';
import ostep from './fixtures/ostep-disk-py.json' with { type: 'json' };

const S = 9.948;
const runs: SimResult[] = [];
const keep = (r: SimResult) => {
  runs.push(r);
  return r;
};

describe('simulator against queueing theory', () => {
  // 1 000 000 requests at ρ = 0.8: the standard error of the M/M/1 mean is ≈ 1%, so a 2% bound is a real check.
  for (const [rho, ios] of [
    [0.5, 400_000],
    [0.7, 400_000],
    [0.8, 1_000_000],
  ] as const) {
    it(`exponential service matches M/M/1 within 2% at ρ = ${rho} (${ios} I/Os)`, () => {
      const r = keep(
        simulateSync({
          service: { kind: 'exponential', mean: S },
          workload: { arrival: { kind: 'poisson', rate: (rho / S) * 1000 } },
          ios,
          seed: 11,
        }),
      );
      const theory = mm1({ meanService: S, utilization: rho });
      expect(Math.abs(r.mean / theory.response - 1)).toBeLessThan(0.02);
      expect(r.utilization).toBeCloseTo(rho, 1);
      expect(Math.abs(r.serviceScv - 1)).toBeLessThan(0.02);
    });
    it(`constant service matches M/D/1 within 2% at ρ = ${rho}`, () => {
      const r = keep(
        simulateSync({
          service: { kind: 'deterministic', mean: S },
          workload: { arrival: { kind: 'poisson', rate: (rho / S) * 1000 } },
          ios,
          seed: 12,
        }),
      );
      const theory = md1({ meanService: S, utilization: rho });
      expect(Math.abs(r.mean / theory.response - 1)).toBeLessThan(0.02);
      expect(r.serviceScv).toBeCloseTo(0, 9);
    });
  }

  it('a closed loop of depth N keeps N in the system (Little: N = X·R)', () => {
    const r = keep(
      simulateSync({
        service: { kind: 'exponential', mean: 5 },
        workload: { arrival: { kind: 'closed', depth: 8 } },
        ios: 200_000,
      }),
    );
    expect(r.queueDepth).toBeCloseTo(8, 2);
    expect(r.iops).toBeCloseTo(200, -1);
  });
});

describe('simulator with geometry', () => {
  const drive = drives['seagate-exos-x24'] ?? expect.unreachable();

  it('FCFS at depth 1: measured mean service equals serviceTime within 2% (200 000 I/Os)', () => {
    const r = keep(
      simulateSync({ drive, workload: { arrival: { kind: 'closed', depth: 1 }, size: 4096 }, ios: 200_000, seed: 3 }),
    );
    const model = serviceTime(drive, { size: 4096 });
    expect(Math.abs(r.meanService / model.total - 1)).toBeLessThan(0.02);
    expect(r.mean).toBeCloseTo(r.meanService, 9); // no queueing at depth 1
    expect(Math.abs(r.serviceScv / scvOf(drive, { size: 4096 }) - 1)).toBeLessThan(0.05);
  });

  it('FCFS with a short span matches serviceTime(span) within 2% (the short-stroke effect)', () => {
    const span = 1024 ** 3;
    const r = keep(
      simulateSync({ drive, workload: { arrival: { kind: 'closed', depth: 1 }, span }, ios: 100_000, seed: 4 }),
    );
    const model = serviceTime(drive, { size: 4096, span });
    expect(Math.abs(r.meanService / model.total - 1)).toBeLessThan(0.02);
    expect(model.seek).toBeLessThan(serviceTime(drive, { size: 4096 }).seek / 2);
  });

  it('writes pay the datasheet write settle', () => {
    const r = keep(
      simulateSync({ drive, workload: { arrival: { kind: 'closed', depth: 1 }, readRatio: 0 }, ios: 100_000, seed: 5 }),
    );
    const model = serviceTime(drive, { size: 4096, op: 'write' });
    expect(Math.abs(r.meanService / model.total - 1)).toBeLessThan(0.02);
  });

  it('sequential requests stream at the zone rate less the track switches (skewed tracks, no lost turns)', () => {
    const r = keep(
      simulateSync({
        drive,
        workload: { pattern: 'sequential', size: 65536, arrival: { kind: 'closed', depth: 1 } },
        ios: 20_000,
        trace: true,
      }),
    );
    const rate = (r.iops * 65536) / 1e6;
    const outer = (drive.zones[0] as number) / 1e6;
    // one head/cylinder switch (+ skew) per 2.4 MB track: ≈ 8.33 / (8.33 + 0.5) of the media rate
    expect(rate).toBeGreaterThan(outer * 0.9);
    expect(rate).toBeLessThanOrEqual(outer);
    expect(r.trace?.every((t) => t.rotate < 1)).toBe(true);
  });

  it('Poisson arrivals with geometry follow M/G/1 with scvOf within 5% at ρ = 0.6', () => {
    const s = serviceTime(drive, { size: 4096 }).total;
    const r = keep(
      simulateSync({
        drive,
        workload: { arrival: { kind: 'poisson', rate: (0.6 / s) * 1000 } },
        ios: 400_000,
        seed: 6,
      }),
    );
    const theory = mg1({ meanService: s, scv: scvOf(drive, { size: 4096 }), utilization: 0.6 });
    expect(Math.abs(r.mean / theory.response - 1)).toBeLessThan(0.05);
  });

  it('reordering schedulers beat FCFS at depth 16, SPTF most', () => {
    const at = (scheduler: 'fcfs' | 'sstf' | 'sptf' | 'elevator') =>
      keep(
        simulateSync({ drive, scheduler, workload: { arrival: { kind: 'closed', depth: 16 } }, ios: 40_000, seed: 7 }),
      ).iops;
    const fcfs = at('fcfs');
    const sstf = at('sstf');
    const elev = at('elevator');
    const sptf = at('sptf');
    expect(sstf).toBeGreaterThan(fcfs * 1.3);
    expect(elev).toBeGreaterThan(fcfs * 1.3);
    expect(sptf).toBeGreaterThan(Math.max(sstf, elev));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const o = {
      drive,
      scheduler: 'sptf' as const,
      workload: { arrival: { kind: 'closed' as const, depth: 8 } },
      ios: 5000,
    };
    const a = simulateSync({ ...o, seed: 9 });
    const b = simulateSync({ ...o, seed: 9 });
    const c = simulateSync({ ...o, seed: 10 });
    expect(b.mean).toBe(a.mean);
    expect(b.p99).toBe(a.p99);
    expect(c.mean).not.toBe(a.mean);
  });

  it('simulate() gives the same result, reports progress and aborts with signal.reason', async () => {
    const o = { drive, workload: { arrival: { kind: 'closed' as const, depth: 4 } }, ios: 200_000, seed: 2 };
    const progress: number[] = [];
    const a = await simulate({ ...o, onProgress: (p) => progress.push(p.done) });
    expect(a.mean).toBe(simulateSync(o).mean);
    expect(progress.at(-1)).toBe(200_000);
    expect(progress.length).toBeGreaterThan(2);
    const ac = new AbortController();
    const reason = new Error('stop');
    const p = simulate({ ...o, signal: ac.signal, onProgress: () => ac.abort(reason) });
    await expect(p).rejects.toBe(reason);
  });

  it('rejects contradictory options with typed errors', () => {
    const w = { arrival: { kind: 'closed' as const, depth: 1 } };
    expect(() => simulateSync({ workload: w, ios: 10 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() =>
      simulateSync({ service: { kind: 'exponential', mean: 1 }, scheduler: 'sptf', workload: w, ios: 10 }),
    ).toThrow(/needs geometry/);
    expect(() => simulateSync({ drive, workload: { ...w, size: 1000 }, ios: 10 })).toThrow(/multiple of 512/);
    expect(() => simulateSync({ drive, workload: { arrival: { kind: 'bursty' } as never }, ios: 10 })).toThrow(
      /poisson' or 'closed/,
    );
    expect(() => simulateSync({ drive, workload: w, ios: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
  });
});

describe('OSTEP disk.py golden vectors (FIFO)', () => {
  for (const c of ostep.cases) {
    it(`disk.py ${c.command} → total ${c.total}`, () => {
      const r = simulateSync({
        geometry: ostepGeometry(),
        workload: { arrival: { kind: 'closed', depth: 1 }, size: 512, sectors: c.sectors },
        ios: c.sectors.length,
        trace: true,
      });
      expect(r.trace).toEqual(c.requests);
      expect(r.elapsed).toBe(c.total);
    });
  }
});

describe("Little's law", () => {
  it('holds within 1% in every run of this file', () => {
    expect(runs.length).toBeGreaterThan(10);
    for (const r of runs) expect(r.littleError).toBeLessThan(0.01);
  });
});
