import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { makeTempDir } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cgroup } from '../src/index.js';
import { fakeGroup, fakeRoot } from './helpers/fake-cgroupfs.js';

describe('stats() (fake cgroupfs)', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('cg-stats');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('v1: cpuacct + cpu throttling, memory with swap, pids, blkio', async () => {
    fakeRoot(root, 'legacy');
    fakeGroup(root, 'legacy', '/job');
    writeFileSync(join(root, 'memory/job/memory.limit_in_bytes'), '67108864\n');
    writeFileSync(join(root, 'memory/job/memory.memsw.limit_in_bytes'), '100663296\n');
    writeFileSync(join(root, 'memory/job/memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    const s = await (await Cgroup.load('/job', { root })).stats();
    expect(s.cpu).toEqual({
      usageNs: 123456789,
      userNs: 100000000,
      systemNs: 23456789,
      periods: 10,
      throttledPeriods: 4,
      throttledNs: 5000000,
    });
    expect(s.memory).toMatchObject({
      usage: 4096000,
      limit: 67108864,
      maxUsage: 8192000,
      cache: 1000,
      rss: 2000,
      swap: 1024000,
      swapLimit: 33554432,
      oomKills: 2,
    });
    expect(s.memory?.stat.hierarchical_memory_limit).toBe(Number('9223372036854771712'));
    expect(s.pids).toEqual({ current: 3, limit: Number.POSITIVE_INFINITY });
    expect(s.io).toEqual([{ major: 8, minor: 0, readBytes: 4096, writeBytes: 8192, readIos: 1, writeIos: 2 }]);
    expect(s.hugetlb).toBeUndefined();
  });

  it('v1 hugetlb: per page size usage, limit and failcnt', async () => {
    fakeRoot(root, 'legacy');
    fakeGroup(root, 'legacy', '/job');
    const dir = join(root, 'hugetlb', 'job');
    mkdirSync(dir, { recursive: true });
    for (const d of [join(root, 'hugetlb'), dir]) writeFileSync(join(d, 'cgroup.procs'), '');
    for (const [size, usage, limit, fail] of [
      ['2MB', '4194304', '8388608', '3'],
      ['1GB', '0', '9223372036854771712', '0'],
    ] as const) {
      writeFileSync(join(dir, `hugetlb.${size}.usage_in_bytes`), usage);
      writeFileSync(join(dir, `hugetlb.${size}.limit_in_bytes`), limit);
      writeFileSync(join(dir, `hugetlb.${size}.failcnt`), fail);
      writeFileSync(join(dir, `hugetlb.${size}.rsvd.limit_in_bytes`), limit);
    }
    const cg = await Cgroup.load('/job', { root });
    expect(cg.controllers.hugetlb).toBe(1);
    expect((await cg.stats({ only: ['hugetlb'] })).hugetlb).toEqual({
      '2MB': { usage: 4194304, max: 8388608, failcnt: 3 },
      '1GB': { usage: 0, max: Number.POSITIVE_INFINITY, failcnt: 0 },
    });
    const res = await cg.set({ hugepageLimits: [{ pageSize: '2MB', limit: 2 << 20 }] });
    expect(res.writes.map((w) => w.file.split('/').pop())).toEqual([
      'hugetlb.2MB.limit_in_bytes',
      'hugetlb.2MB.rsvd.limit_in_bytes',
    ]);
  });

  it('only: reads just the sections asked for', async () => {
    fakeRoot(root, 'legacy');
    fakeGroup(root, 'legacy', '/job');
    const cg = await Cgroup.load('/job', { root });
    // With memory.stat gone, a full stats() fails but a pids-only one does not touch it.
    await rm(join(root, 'memory/job/memory.stat'));
    await expect(cg.stats()).rejects.toMatchObject({ code: 'ERR_CGROUP_NOT_FOUND' });
    expect(await cg.stats({ only: ['pids'] })).toEqual({ pids: { current: 3, limit: Number.POSITIVE_INFINITY } });
  });

  it('v1 cpuacct.stat ticks when the ns files are missing', async () => {
    fakeRoot(root, 'legacy');
    fakeGroup(root, 'legacy', '/job');
    await rm(join(root, 'cpuacct/job/cpuacct.usage_user'));
    const s = await (await Cgroup.load('/job', { root })).stats();
    expect(s.cpu?.userNs).toBe(10 * 10_000_000);
    expect(s.cpu?.systemNs).toBe(2 * 10_000_000);
  });

  it('v2: cpu.stat µs → ns, memory, pids, io.stat, hugetlb, PSI', async () => {
    const all = ['cpu', 'memory', 'pids', 'io', 'hugetlb'];
    fakeRoot(root, 'unified', all);
    fakeGroup(root, 'unified', '/job', all);
    writeFileSync(join(root, 'job/memory.events'), 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n');
    const cg = await Cgroup.load('/job', { root });
    const s = await cg.stats();
    expect(s.cpu).toEqual({
      usageNs: 2_000_000,
      userNs: 1_500_000,
      systemNs: 500_000,
      periods: 7,
      throttledPeriods: 3,
      throttledNs: 900_000,
    });
    expect(s.memory).toMatchObject({
      usage: 4096000,
      limit: Number.POSITIVE_INFINITY,
      maxUsage: 8192000,
      cache: 1000,
      rss: 2000,
      swap: 1024,
      swapLimit: Number.POSITIVE_INFINITY,
      oomKills: 1,
    });
    expect(s.pids).toEqual({ current: 3, limit: Number.POSITIVE_INFINITY });
    expect(s.io).toEqual([{ major: 8, minor: 0, readBytes: 4096, writeBytes: 8192, readIos: 1, writeIos: 2 }]);
    expect(s.hugetlb).toEqual({ '2MB': { usage: 0, max: Number.POSITIVE_INFINITY, failcnt: 0 } });
    const psi = await cg.pressure();
    expect(psi.cpu?.some).toEqual({ avg10: 1.5, avg60: 0.2, avg300: 0, total: 12345 });
    expect(psi.memory?.full?.total).toBe(3);
    expect(inspect(cg)).toMatch(
      /^Cgroup \/job \(unified; cpu,memory,pids,io,hugetlb\) \{ memory=max, pids=max, cpu=max 100000 \}$/,
    );
  });

  it('hybrid without cpuacct: usage from the cgroup2 cpu.stat, throttling from v1 cpu', async () => {
    fakeRoot(root, 'hybrid', []);
    fakeGroup(root, 'hybrid', '/job', []);
    const cg = await Cgroup.load('/job', { root, controllers: ['cpu', 'memory'] });
    const s = await cg.stats();
    expect(s.cpu).toEqual({
      usageNs: 2_000_000,
      userNs: 1_500_000,
      systemNs: 500_000,
      periods: 10,
      throttledPeriods: 4,
      throttledNs: 5000000,
    });
    expect(s.pids).toBeUndefined();
    expect((await cg.pressure()).cpu?.some.total).toBe(12345);
  });

  it('legacy hosts have no PSI', async () => {
    fakeRoot(root, 'legacy');
    fakeGroup(root, 'legacy', '/job');
    const psi = await (await Cgroup.load('/job', { root })).pressure();
    expect(psi).toEqual({ cpu: null, memory: null, io: null });
  });
});
