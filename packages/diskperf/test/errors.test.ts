import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DiskperfError, diskperfErrorCodes, drive, isDiskperfError, mm1, simulateSync } from '../src/index.js';

describe('errors', () => {
  it('exports a stable list of codes (only ever add)', () => {
    expect(diskperfErrorCodes).toEqual([
      'ERR_INVALID_ARG_TYPE',
      'ERR_INVALID_ARG_VALUE',
      'ERR_OUT_OF_RANGE',
      'ERR_UNSTABLE_QUEUE',
      'ERR_SEEK_CURVE_INFEASIBLE',
      'ERR_UNKNOWN_DRIVE',
      'ERR_DEVICE_NOT_FOUND',
      'ERR_DISKSTATS_PARSE',
      'ERR_UNSUPPORTED',
      'ERR_PROBE_IO',
      'ERR_FIO',
      'ERR_FIT_INSUFFICIENT',
    ]);
  });
  it('are DiskperfErrors with a code, a name and a cross-install brand', () => {
    let caught: unknown;
    try {
      mm1({ meanService: 1, utilization: 2 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DiskperfError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as DiskperfError).name).toBe('DiskperfError');
    expect(Object.keys(caught as object)).not.toContain('name');
    expect(isDiskperfError(caught)).toBe(true);
    expect(isDiskperfError({ [Symbol.for('ctrkit.error')]: true })).toBe(true);
    expect(isDiskperfError(new Error('x'))).toBe(false);
    const wrapped = new DiskperfError('ERR_FIO', 'x', { cause: caught });
    expect(wrapped.cause).toBe(caught);
  });
  it('name the parameter and say what to do', () => {
    expect(() => mm1({ meanService: 10, utilization: 1.2 })).toThrow(/lower the arrival rate below 100\.00\/s/);
    expect(() =>
      simulateSync({ drive: drive('seagate-exos-x24'), workload: { arrival: { kind: 'closed', depth: 0 } }, ios: 1 }),
    ).toThrow(/"arrival.depth"/);
  });
});

describe('REPL printing', () => {
  it('shows what matters for results', () => {
    expect(inspect(mm1({ meanService: 9.948, utilization: 0.7 }))).toBe(
      'M/M/1<ρ=0.700 S=9.948 ms → R=33.160 ms, L=2.333, 70.4 IOPS>',
    );
    const r = simulateSync({
      drive: drive('seagate-exos-x24'),
      workload: { arrival: { kind: 'closed', depth: 4 } },
      scheduler: 'sptf',
      ios: 2000,
    });
    expect(inspect(r)).toMatch(
      /^SimResult<sptf, 2000 I\/Os: \d+\.\d IOPS, mean \d+\.\d\d ms \(p50 .*\), util 100\.0%, L 4\.00>$/,
    );
  });
});
