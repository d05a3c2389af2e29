import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cgroup, PartialSetError } from '../src/index.js';
import { fakeGroup, fakeRead, fakeRoot } from './helpers/fake-cgroupfs.js';

describe('set() on cgroup v1 (fake cgroupfs)', () => {
  let root: string;
  let cg: Cgroup;
  beforeEach(async () => {
    root = await makeTempDir('cg-v1');
    fakeRoot(root, 'legacy');
    fakeGroup(root, 'legacy', '/job');
    cg = await Cgroup.load('/job', { root });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes each controller to its own hierarchy', async () => {
    const res = await cg.set({
      cpu: { shares: 512, quota: 20000, period: 50000, cpus: '0', mems: '0', idle: 0 },
      memory: { limit: 64 << 20, reservation: 32 << 20, swappiness: 10, disableOOMKiller: true, kernelTCP: 1 << 20 },
      pids: { limit: 64 },
    });
    expect(fakeRead(root, 'cpu/job/cpu.shares')).toBe('512');
    expect(fakeRead(root, 'cpu/job/cpu.cfs_quota_us')).toBe('20000');
    expect(fakeRead(root, 'cpu/job/cpu.cfs_period_us')).toBe('50000');
    expect(fakeRead(root, 'cpuset/job/cpuset.cpus')).toBe('0');
    expect(fakeRead(root, 'memory/job/memory.limit_in_bytes')).toBe(String(64 << 20));
    expect(fakeRead(root, 'memory/job/memory.soft_limit_in_bytes')).toBe(String(32 << 20));
    expect(fakeRead(root, 'memory/job/memory.swappiness')).toBe('10');
    expect(fakeRead(root, 'memory/job/memory.oom_control')).toBe('1');
    expect(fakeRead(root, 'memory/job/memory.kmem.tcp.limit_in_bytes')).toBe(String(1 << 20));
    expect(fakeRead(root, 'pids/job/pids.max')).toBe('64');
    // runc's subsystem order: cpuset, memory, cpu, pids; period before quota.
    const order = res.writes.map((w) => w.file.slice(root.length + 1));
    expect(order.indexOf('cpuset/job/cpuset.cpus')).toBeLessThan(order.indexOf('memory/job/memory.limit_in_bytes'));
    expect(order.indexOf('memory/job/memory.limit_in_bytes')).toBeLessThan(order.indexOf('cpu/job/cpu.shares'));
    expect(order.indexOf('cpu/job/cpu.cfs_period_us')).toBeLessThan(order.indexOf('cpu/job/cpu.cfs_quota_us'));
    expect(order.at(-1)).toBe('pids/job/pids.max');
  });

  it('from unlimited, sets the limit first, then memsw', async () => {
    const res = await cg.set({ memory: { limit: 100 << 20, swap: 200 << 20 } });
    expect(res.writes.map((w) => w.file.split('/').pop())).toEqual([
      'memory.limit_in_bytes',
      'memory.memsw.limit_in_bytes',
    ]);
  });

  it('raising limit and swap above the current memsw writes memsw first', async () => {
    await cg.set({ memory: { limit: 100 << 20, swap: 200 << 20 } });
    const up = await cg.set({ memory: { limit: 300 << 20, swap: 400 << 20 } });
    expect(up.writes.map((w) => w.file.split('/').pop())).toEqual([
      'memory.memsw.limit_in_bytes',
      'memory.limit_in_bytes',
    ]);
    const down = await cg.set({ memory: { limit: 50 << 20, swap: 60 << 20 } });
    expect(down.writes.map((w) => w.file.split('/').pop())).toEqual([
      'memory.limit_in_bytes',
      'memory.memsw.limit_in_bytes',
    ]);
  });

  it('swap below the limit is rejected before any write', async () => {
    await expect(cg.set({ memory: { limit: 300 << 20, swap: 200 << 20 } })).rejects.toMatchObject({
      code: 'ERR_CGROUP_INVALID_VALUE',
    });
    expect(fakeRead(root, 'memory/job/memory.limit_in_bytes')).toBe('9223372036854771712');
  });

  it('unlimited memory sets unlimited memsw too', async () => {
    const res = await cg.set({ memory: { limit: -1 } });
    expect(res.writes.map((w) => [w.file.split('/').pop(), w.value])).toEqual([
      ['memory.memsw.limit_in_bytes', '-1'],
      ['memory.limit_in_bytes', '-1'],
    ]);
  });

  it('pids 0 → 1 and -1 → max (runc)', async () => {
    await cg.set({ pids: { limit: 0 } });
    expect(fakeRead(root, 'pids/job/pids.max')).toBe('1');
    await cg.set({ pids: { limit: -1 } });
    expect(fakeRead(root, 'pids/job/pids.max')).toBe('max');
  });

  it('blkio goes to the BFQ files when CFQ is absent, throttles one device per write', async () => {
    const res = await cg.set({
      blockIO: {
        weight: 300,
        leafWeight: 200,
        weightDevice: [{ major: 8, minor: 0, weight: 500 }],
        throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
        throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 100 }],
      },
    });
    expect(fakeRead(root, 'blkio/job/blkio.bfq.weight')).toBe('300');
    expect(fakeRead(root, 'blkio/job/blkio.bfq.weight_device')).toBe('8:0 500');
    expect(fakeRead(root, 'blkio/job/blkio.throttle.read_bps_device')).toBe('8:0 1048576');
    expect(fakeRead(root, 'blkio/job/blkio.throttle.write_iops_device')).toBe('8:16 100');
    expect(res.warnings.join()).toMatch(/leafWeight ignored/);
  });

  it('device rules are written in order to allow/deny', async () => {
    const res = await cg.set({
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' },
        { allow: true, type: 'c', major: 136, access: 'rwm' },
      ],
    });
    expect(res.writes.map((w) => [w.file.split('/').pop(), w.value])).toEqual([
      ['devices.deny', 'a *:* rwm'],
      ['devices.allow', 'c 1:3 rw'],
      ['devices.allow', 'c 136:* rwm'],
    ]);
  });

  it('rejects bad values before writing anything', async () => {
    const before = fakeRead(root, 'cpu/job/cpu.shares');
    for (const bad of [
      { cpu: { shares: 512, period: 999 } },
      { cpu: { shares: -1 } },
      { memory: { limit: 1.5 } },
      { memory: { swappiness: 201 } },
      { pids: { limit: 'x' as unknown as number } },
      { blockIO: { weight: 5 } },
      { devices: [{ allow: true, type: 'x' }] },
      { hugepageLimits: [{ pageSize: '2M', limit: 1 }] },
    ]) {
      await expect(cg.set({ ...bad, cpu: { ...bad.cpu, shares: bad.cpu?.shares ?? 256 } })).rejects.toMatchObject({
        code: 'ERR_CGROUP_INVALID_VALUE',
      });
    }
    expect(fakeRead(root, 'cpu/job/cpu.shares')).toBe(before);
  });

  it('unified keys are refused on a legacy host, and network/rdma are unsupported', async () => {
    await expect(cg.set({ unified: { 'memory.high': '1G' } })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
    await expect(cg.set({ network: { classID: 1 } })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
  });

  it('a write that fails part-way reports what was applied', async () => {
    await rm(join(root, 'pids/job/pids.max'));
    const err = await cg.set({ memory: { limit: 1 << 20 }, pids: { limit: 5 } }).catch((e) => e);
    expect(err).toBeInstanceOf(PartialSetError);
    expect(err.code).toBe('ERR_CGROUP_PARTIAL_SET');
    expect(err.cause.code).toBe('ERR_CGROUP_NOT_FOUND');
    expect(err.applied.map((w: { file: string }) => w.file.split('/').pop())).toContain('memory.limit_in_bytes');
    expect(err.message).toMatch(/pids\.max/);
  });

  it('a controller that is not attached is a clear not-found', async () => {
    const memOnly = await Cgroup.load('/job', { root, controllers: ['memory'] });
    await expect(memOnly.set({ pids: { limit: 5 } })).rejects.toMatchObject({ code: 'ERR_CGROUP_NOT_FOUND' });
    expect(Object.keys(memOnly.controllers)).toEqual(['memory']);
  });
});
