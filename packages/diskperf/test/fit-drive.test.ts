import { describe, expect, it } from 'vitest';
import { drives, fitDrive, iops, serviceTime, simulateSync } from '../src/index.js';
import { Rng } from '../src/internal/rng.js';

const qd1 = (id: string) => {
  const drive = drives[id] ?? expect.unreachable();
  const r = simulateSync({
    drive,
    workload: { arrival: { kind: 'closed', depth: 1 } },
    ios: 20_000,
    seed: 21,
    keepLatencies: true,
  });
  return { drive, r };
};

describe('fitDrive on simulated depth-1 latencies', () => {
  for (const [id, rpm] of [
    ['seagate-exos-x24', 7200],
    ['hitachi-travelstar-5k320', 5400],
    ['hgst-ultrastar-c15k600', 15000],
    ['seagate-exos-10e2400', 10000],
  ] as const) {
    it(`${id}: recovers ${rpm} rpm and the mean random seek within 5%`, () => {
      const { drive, r } = qd1(id);
      const fit = fitDrive({ latencies: r.latencies ?? [], ioSize: 4096, transferRate: drive.zones[0] as number });
      expect(fit.looksLikeHdd).toBe(true);
      expect(fit.rpm).toBe(rpm);
      expect(fit.rpmEstimated).toBe(true);
      const seek = serviceTime(drive, { size: 4096 }).seek;
      expect(Math.abs((fit.averageSeek as number) / seek - 1)).toBeLessThan(0.05);
      // the effective model predicts the measured QD1 IOPS
      expect(Math.abs(iops(fit.drive ?? expect.unreachable(), { size: 4096 }) / r.iops - 1)).toBeLessThan(0.02);
    });
  }
  it('uses a given rpm as is', () => {
    const { r } = qd1('seagate-exos-x24');
    const fit = fitDrive({ latencies: r.latencies ?? [], rpm: 7200 });
    expect(fit.rpm).toBe(7200);
    expect(fit.rpmEstimated).toBe(false);
  });
});

describe('fitDrive on what is not an HDD', () => {
  it('says a 50 µs device is not a spinning disk', () => {
    const rng = new Rng(5);
    const latencies = Array.from({ length: 5000 }, () => 0.03 + rng.exp(0.02));
    const fit = fitDrive({ latencies });
    expect(fit.looksLikeHdd).toBe(false);
    expect(fit.rpm).toBeNull();
    expect(fit.drive).toBeNull();
    expect(fit.notes[0]).toMatch(/fits no HDD speed class/);
  });
  it('refuses queued or too few samples with ERR_FIT_INSUFFICIENT', () => {
    expect(() => fitDrive({ latencies: [1, 2, 3] })).toThrow(expect.objectContaining({ code: 'ERR_FIT_INSUFFICIENT' }));
    expect(() => fitDrive({ latencies: new Array(500).fill(10), effectiveDepth: 4 })).toThrow(/depth: 1/);
  });
});
