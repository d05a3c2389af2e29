// probe() against fio on a 256 MiB file in a temp dir. The disk here is virtio-blk on a
// shared VM, not an HDD, and varies by up to 1.7× between runs; the comparisons
// alternate short rounds of ours and fio's so both see the same noise.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fioPercentiles, prepareProbeFile, probe, runFio } from '../src/index.js';

const gate = requires('root', 'binary:fio');
const SIZE = 256 * 1024 * 1024;

describe.runIf(gate.ok)('probe on a real file', () => {
  let dir = '';
  let file = '';
  beforeAll(async () => {
    dir = await makeTempDir('diskperf-probe');
    file = join(dir, 'probe.dat');
    expect(await prepareProbeFile(file, SIZE)).toBe(SIZE);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // Eleven alternating rounds of 500 ms, compared by their medians: the virtual disk's
  // stalls make single rounds swing by ±40%, and one slow round of either tool must not
  // decide the outcome. Both IOPS and the median latency are compared.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  const rounds = async (depth: number, fioJobs: { numjobs: number; thread?: boolean }) => {
    const ours: number[] = [];
    const theirs: number[] = [];
    const oursP50: number[] = [];
    const theirsP50: number[] = [];
    let last: Awaited<ReturnType<typeof probe>> | undefined;
    for (let i = 0; i < 11; i++) {
      last = await probe({ path: file, size: SIZE, depth, durationMs: 500, seed: i + 1 });
      ours.push(last.iops);
      oursP50.push(last.percentiles['50.000000'] as number);
      const f = await runFio({ filename: file, size: SIZE, ioengine: 'psync', runtimeMs: 500, ...fioJobs });
      theirs.push(f.iops);
      theirsP50.push(f.percentiles['50.000000'] as number);
    }
    const ratio = median(ours) / median(theirs);
    const p50Ratio = median(oursP50) / median(theirsP50);
    console.info(
      `probe/fio at depth ${depth}: IOPS ${median(ours).toFixed(0)}/${median(theirs).toFixed(0)} = ${ratio.toFixed(3)}, p50 ratio ${p50Ratio.toFixed(3)}`,
    );
    return { ratio, p50Ratio, last: last ?? expect.unreachable() };
  };

  it('depth 1 agrees with fio --direct=1 --rw=randread (psync, iodepth 1) within ±30%', async () => {
    const { ratio, p50Ratio, last } = await rounds(1, { numjobs: 1 });
    expect(p50Ratio).toBeGreaterThan(0.7);
    expect(p50Ratio).toBeLessThan(1.3);
    expect(last.engine).toBe('sync');
    expect(last.alignedBy).toBe('sys');
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.3);
  });

  it('depth 16 says it is 16 threads, and agrees with fio psync --numjobs=16 --thread within ±30%', async () => {
    const { ratio, p50Ratio, last } = await rounds(16, { numjobs: 16, thread: true });
    expect(p50Ratio).toBeGreaterThan(0.7);
    expect(p50Ratio).toBeLessThan(1.3);
    expect(last.engine).toBe('worker-threads');
    expect(last.alignedBy).toBe('trial');
    expect(last.effectiveDepth).toBe(16);
    expect(last.depthNote).toMatch(/16 threads.*not fio's --iodepth=16/);
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.3);
  });

  it('reports fio-style percentiles, the span and the device, and satisfies Little’s law', async () => {
    const r = await probe({ path: file, depth: 4, durationMs: 800 });
    expect(r.direct).toBe(true);
    expect(r.span).toBe(SIZE);
    expect(Object.keys(r.percentiles)).toEqual(fioPercentiles.map((p) => p.toFixed(6)));
    const vals = Object.values(r.percentiles);
    for (let i = 1; i < vals.length; i++) expect(vals[i] as number).toBeGreaterThanOrEqual(vals[i - 1] as number);
    expect(r.min).toBeLessThanOrEqual(r.mean);
    expect(r.ios).toBe(r.latencies.length);
    expect(Math.abs(r.littleDepth / r.effectiveDepth - 1)).toBeLessThan(0.15);
    expect(r.device?.name).toBeTruthy();
    expect(r.warnings.some((w) => w.includes('short-stroked'))).toBe(true);
  });

  it('fio caps a synchronous engine at depth 1 and says so before its JSON', async () => {
    const f = await runFio({ filename: file, size: SIZE, ioengine: 'psync', iodepth: 16, runtimeMs: 1000 });
    expect(f.notes.join(' ')).toMatch(/queue depth will be capped at 1/);
    expect(f.iops).toBeGreaterThan(0);
  });

  it('refuses misaligned sizes and oversize spans, and aborts with signal.reason', async () => {
    await expect(probe({ path: file, ioSize: 4000 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('EINVAL'),
    });
    await expect(probe({ path: file, size: SIZE * 2, durationMs: 10 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
    await expect(probe({ path: join(dir, 'missing'), durationMs: 10 })).rejects.toMatchObject({ code: 'ERR_PROBE_IO' });
    const reason = new Error('stop');
    const ac = new AbortController();
    setTimeout(() => ac.abort(reason), 100);
    await expect(probe({ path: file, durationMs: 10_000, signal: ac.signal })).rejects.toBe(reason);
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(reason), 100);
    await expect(probe({ path: file, depth: 3, durationMs: 10_000, signal: ac2.signal })).rejects.toBe(reason);
  });

  it('labels a buffered run as not measuring the device', async () => {
    const r = await probe({ path: file, direct: false, durationMs: 200 });
    expect(r.direct).toBe(false);
    expect(r.warnings[0]).toMatch(/page cache/);
  });
});
