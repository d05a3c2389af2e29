import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cgroup } from '../src/index.js';
import { fakeGroup, fakeRead, fakeRoot } from './helpers/fake-cgroupfs.js';

const ALL = ['cpu', 'cpuset', 'memory', 'pids', 'io', 'hugetlb'];

describe('set() on cgroup v2 (fake cgroupfs)', () => {
  let root: string;
  let cg: Cgroup;
  beforeEach(async () => {
    root = await makeTempDir('cg-v2');
    fakeRoot(root, 'unified', ALL);
    fakeGroup(root, 'unified', '/job', ALL);
    cg = await Cgroup.load('/job', { root });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('translates shares, quota/period, memory+swap and pids', async () => {
    const res = await cg.set({
      cpu: { shares: 2000, quota: 20000, period: 100000, cpus: '0-1' },
      memory: { limit: 64 << 20, swap: 96 << 20, reservation: 16 << 20 },
      pids: { limit: 0 },
    });
    expect(fakeRead(root, 'job/cpu.weight')).toBe('170');
    expect(fakeRead(root, 'job/cpu.max')).toBe('20000 100000');
    expect(fakeRead(root, 'job/cpuset.cpus')).toBe('0-1');
    expect(fakeRead(root, 'job/memory.max')).toBe(String(64 << 20));
    expect(fakeRead(root, 'job/memory.swap.max')).toBe(String(32 << 20));
    expect(fakeRead(root, 'job/memory.low')).toBe(String(16 << 20));
    expect(fakeRead(root, 'job/pids.max')).toBe('1');
    expect(res.warnings).toEqual([]);
  });

  it('honours the shares policy', async () => {
    const linear = await Cgroup.load('/job', { root, sharesPolicy: 'linear' });
    await linear.set({ cpu: { shares: 1024 } });
    expect(fakeRead(root, 'job/cpu.weight')).toBe('39');
    const systemd = await Cgroup.load('/job', { root, sharesPolicy: 'systemd' });
    await systemd.set({ cpu: { shares: 2000 } });
    expect(fakeRead(root, 'job/cpu.weight')).toBe('195');
  });

  it('quota alone keeps the current period; -1 means max; -1 memory means max', async () => {
    writeFileSync(join(root, 'job/cpu.max'), '50000 250000\n');
    await cg.set({ cpu: { quota: 10000 } });
    expect(fakeRead(root, 'job/cpu.max')).toBe('10000 250000');
    await cg.set({ cpu: { quota: -1, period: 100000 }, memory: { limit: -1 } });
    expect(fakeRead(root, 'job/cpu.max')).toBe('max 100000');
    expect(fakeRead(root, 'job/memory.max')).toBe('max');
    expect(fakeRead(root, 'job/memory.swap.max')).toBe('max');
  });

  it('memory == swap disables swap ("0", never "")', async () => {
    await cg.set({ memory: { limit: 1 << 20, swap: 1 << 20 } });
    expect(fakeRead(root, 'job/memory.swap.max')).toBe('0');
  });

  it('burst goes to cpu.max.burst (before cpu.max; retried after it only on EINVAL)', async () => {
    const res = await cg.set({ cpu: { quota: 20000, period: 100000, burst: 5000 } });
    expect(res.writes.map((w) => w.file.split('/').pop())).toEqual(['cpu.max.burst', 'cpu.max']);
    expect(fakeRead(root, 'job/cpu.max.burst')).toBe('5000');
  });

  it('io: converted io.weight without BFQ, raw io.bfq.weight with it', async () => {
    await cg.set({ blockIO: { weight: 500, weightDevice: [{ major: 8, minor: 0, weight: 100 }] } });
    // Each write overwrites the fake file; the journal shows both lines.
    expect(fakeRead(root, 'job/io.weight')).toBe('8:0 910');
    const res = await cg.set({ blockIO: { weight: 500 } });
    expect(res.writes).toEqual([{ file: join(root, 'job/io.weight'), value: 'default 4950' }]);
    writeFileSync(join(root, 'job/io.bfq.weight'), 'default 100\n');
    const bfq = await cg.set({ blockIO: { weight: 500 } });
    expect(bfq.writes).toEqual([{ file: join(root, 'job/io.bfq.weight'), value: '500' }]);
  });

  it('io throttles become io.max lines', async () => {
    const res = await cg.set({
      blockIO: {
        throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 2097152 }],
        throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 0 }],
      },
    });
    expect(res.writes.map((w) => w.value)).toEqual(['8:0 rbps=2097152', '8:0 wiops=max']);
  });

  it('hugetlb writes max and rsvd.max', async () => {
    await cg.set({ hugepageLimits: [{ pageSize: '2MB', limit: 4 << 20 }] });
    expect(fakeRead(root, 'job/hugetlb.2MB.max')).toBe(String(4 << 20));
    expect(fakeRead(root, 'job/hugetlb.2MB.rsvd.max')).toBe(String(4 << 20));
    await expect(cg.set({ hugepageLimits: [{ pageSize: '1GB', limit: 0 }] })).rejects.toMatchObject({
      code: 'ERR_CGROUP_NOT_FOUND',
    });
  });

  it('v1-only knobs become warnings, as runc ignores them', async () => {
    const res = await cg.set({ memory: { limit: 1 << 20, swappiness: 10, disableOOMKiller: true, kernelTCP: 5 } });
    expect(res.warnings).toHaveLength(3);
  });

  it('devices and realtime are rejected clearly on v2', async () => {
    await expect(cg.set({ devices: [{ allow: false, access: 'rwm' }] })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
      message: expect.stringMatching(/eBPF/),
    });
    await expect(cg.set({ cpu: { realtimeRuntime: 1000 } })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
  });

  it('unified: written last, validated against the files that exist', async () => {
    const res = await cg.set({ memory: { limit: 1 << 30 }, unified: { 'memory.high': '536870912' } });
    expect(res.writes.at(-1)).toEqual({ file: join(root, 'job/memory.high'), value: '536870912' });
    await expect(cg.set({ unified: { 'memory.nonexistent': '1' } })).rejects.toMatchObject({
      code: 'ERR_CGROUP_NOT_FOUND',
    });
    await expect(cg.set({ unified: { '../escape.max': '1' } })).rejects.toMatchObject({
      code: 'ERR_CGROUP_INVALID_VALUE',
    });
  });

  it('checkBeforeUpdate refuses a limit below memory.current', async () => {
    await expect(cg.set({ memory: { limit: 1 << 20, checkBeforeUpdate: true } })).rejects.toMatchObject({
      code: 'ERR_CGROUP_BELOW_USAGE',
    });
    await cg.set({ memory: { limit: 1 << 30, checkBeforeUpdate: true } });
    expect(fakeRead(root, 'job/memory.max')).toBe(String(1 << 30));
  });

  it('controllers not enabled for the cgroup are not served', async () => {
    fakeGroup(root, 'unified', '/bare', ['memory']);
    const bare = await Cgroup.load('/bare', { root });
    expect(bare.controllers).toEqual({ memory: 2 });
    await expect(bare.set({ pids: { limit: 3 } })).rejects.toMatchObject({ code: 'ERR_CGROUP_NOT_FOUND' });
  });
});

describe('set() on a hybrid host (fake cgroupfs)', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('cg-hy');
    fakeRoot(root, 'hybrid', ['hugetlb']);
    fakeGroup(root, 'hybrid', '/job', ['hugetlb']);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('serves v1 controllers from v1 and hugetlb from the cgroup2 mount', async () => {
    const cg = await Cgroup.load('/job', { root });
    expect(cg.controllers.memory).toBe(1);
    expect(cg.controllers.hugetlb).toBe(2);
    await cg.set({ memory: { limit: 1 << 20 }, hugepageLimits: [{ pageSize: '2MB', limit: 2 << 20 }] });
    expect(fakeRead(root, 'memory/job/memory.limit_in_bytes')).toBe(String(1 << 20));
    expect(fakeRead(root, 'unified/job/hugetlb.2MB.max')).toBe(String(2 << 20));
    await expect(cg.set({ unified: { 'memory.high': '1' } })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
  });

  it("mode 'legacy' ignores the cgroup2 mount", async () => {
    const cg = await Cgroup.load('/job', { root, mode: 'legacy' });
    expect(cg.controllers.hugetlb).toBeUndefined();
    expect(cg.directories.some((d) => d.includes('unified'))).toBe(false);
  });

  it("mode 'unified' uses only the cgroup2 mount", async () => {
    const cg = await Cgroup.load('/job', { root, mode: 'unified' });
    expect(cg.controllers).toEqual({ hugetlb: 2 });
    expect(cg.directories).toEqual([join(root, 'unified/job')]);
    await expect(cg.set({ memory: { limit: 1 } })).rejects.toMatchObject({ code: 'ERR_CGROUP_NOT_FOUND' });
  });

  it('a legacy or unified host cannot be used in another mode', async () => {
    const legacy = await makeTempDir('cg-legacy');
    try {
      fakeRoot(legacy, 'legacy');
      fakeGroup(legacy, 'legacy', '/job');
      await expect(Cgroup.load('/job', { root: legacy, mode: 'unified' })).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED',
      });
      await expect(Cgroup.load('/job', { root: legacy, mode: 'hybrid' })).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED',
      });
    } finally {
      await rm(legacy, { recursive: true, force: true });
    }
  });
});
