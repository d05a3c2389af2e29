// The cgroup lifecycle on the real kernel, in every v1 hierarchy this host mounts (and
// the cgroup2 mount on a hybrid or unified host): create, set, limits in the files,
// attach, stats, load, busy delete, delete.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { requires } from '@ctrkit/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Cgroup, detectMode } from '../src/index.js';
import { hold, leftovers, removeAll, testParentPath } from './helpers/system.js';

const gate = requires('root', 'cgroup:v1:memory', 'cgroup:v1:cpu', 'cgroup:v1:pids');
const parent = testParentPath();

describe.runIf(gate.ok)('cgroup v1 lifecycle (real kernel)', () => {
  const kids: { child: { kill(): boolean } }[] = [];
  afterEach(async () => {
    for (const k of kids.splice(0)) k.child.kill();
    await removeAll(parent);
  });
  afterAll(() => {
    expect(leftovers(parent)).toEqual([]);
  });

  it('creates the cgroup in every hierarchy and the limits land in the files', async () => {
    const layout = detectMode();
    const cg = await Cgroup.create(`${parent}/job`, {
      resources: {
        cpu: { shares: 512, quota: 20000, period: 100000, cpus: '0', mems: '0' },
        memory: { limit: 64 << 20, swap: 64 << 20, reservation: 32 << 20, swappiness: 10 },
        pids: { limit: 32 },
        blockIO: { weight: 300 },
        devices: [
          { allow: false, access: 'rwm' },
          { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
        ],
      },
    });
    for (const h of layout.v1) expect(cg.directories).toContain(join(h.dir, parent.slice(1), 'job'));
    const read = (ctrl: string, file: string) =>
      readFileSync(join('/sys/fs/cgroup', ctrl, parent.slice(1), 'job', file), 'utf8').trim();
    expect(read('cpu', 'cpu.shares')).toBe('512');
    expect(read('cpu', 'cpu.cfs_quota_us')).toBe('20000');
    expect(read('cpu', 'cpu.cfs_period_us')).toBe('100000');
    expect(read('cpuset', 'cpuset.cpus')).toBe('0');
    expect(read('memory', 'memory.limit_in_bytes')).toBe(String(64 << 20));
    expect(read('memory', 'memory.memsw.limit_in_bytes')).toBe(String(64 << 20));
    expect(read('memory', 'memory.soft_limit_in_bytes')).toBe(String(32 << 20));
    expect(read('memory', 'memory.swappiness')).toBe('10');
    expect(read('pids', 'pids.max')).toBe('32');
    expect(read('blkio', 'blkio.bfq.weight')).toMatch(/300/);
    expect(read('devices', 'devices.list')).toBe('c 1:3 rwm');
    expect(inspect(cg)).toContain(`${parent}/job`);
  });

  it('raising limit and memsw together works (memsw first), lowering too', async () => {
    const cg = await Cgroup.create(`${parent}/mem`, { resources: { memory: { limit: 32 << 20, swap: 32 << 20 } } });
    const up = await cg.set({ memory: { limit: 128 << 20, swap: 256 << 20 } });
    expect(up.writes[0]?.file).toMatch(/memsw/);
    const down = await cg.set({ memory: { limit: 16 << 20, swap: 16 << 20 } });
    expect(down.writes[0]?.file).toMatch(/memory\.limit_in_bytes$/);
    expect((await cg.stats()).memory?.limit).toBe(16 << 20);
  });

  it('kernel clamping of cpu.shares is reported, kernel EINVAL is a typed error', async () => {
    const cg = await Cgroup.create(`${parent}/cpu`);
    const res = await cg.set({ cpu: { shares: 1_000_000 } });
    expect(res.warnings.join()).toMatch(/clamped.*262144/);
    // A child quota ratio above its parent's: the kernel answers EINVAL.
    const p = await Cgroup.create(`${parent}/ratio`, { resources: { cpu: { quota: 10000, period: 100000 } } });
    const c = await p.child('inner');
    // The period write succeeded first, so this is a partial set naming what was applied.
    const err = await c.set({ cpu: { quota: 50000, period: 100000 } }).catch((e) => e);
    expect(err).toMatchObject({ code: 'ERR_CGROUP_PARTIAL_SET', errno: 'EINVAL' });
    expect(err.cause).toMatchObject({ code: 'ERR_CGROUP_INVALID_VALUE', errno: 'EINVAL' });
    expect(err.cause.message).toMatch(/"50000" for .*cpu\.cfs_quota_us/);
    expect(err.applied.map((w: { file: string }) => w.file)).toEqual([expect.stringMatching(/cpu\.cfs_period_us$/)]);
  });

  it('period → quota → period: a period the kernel refuses first is retried after the quota (runc#3084)', async () => {
    const p = await Cgroup.create(`${parent}/q`, { resources: { cpu: { quota: 50000, period: 100000 } } });
    const c = await p.child('c', { resources: { cpu: { quota: 40000, period: 100000 } } });
    // Writing period 50000 first would make 40000/50000 = 0.8 > the parent's 0.5: EINVAL.
    const res = await c.set({ cpu: { quota: 20000, period: 50000 } });
    expect(res.writes.map((w) => `${w.file.split('/').pop()}=${w.value}`)).toEqual([
      'cpu.cfs_quota_us=20000',
      'cpu.cfs_period_us=50000',
    ]);
    const dir = c.directories.find((d) => d.startsWith('/sys/fs/cgroup/cpu/')) ?? '';
    expect(readFileSync(join(dir, 'cpu.cfs_period_us'), 'utf8').trim()).toBe('50000');
    expect(readFileSync(join(dir, 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('20000');
  });

  it('real-time runtime and period, and blkio throttles on a real disk', async () => {
    // Every ancestor needs real-time runtime for a child to get some (the root has 950 ms/s).
    await Cgroup.create(parent, { resources: { cpu: { realtimeRuntime: 30000 } } });
    const p = await Cgroup.create(`${parent}/rt`, {
      resources: { cpu: { realtimeRuntime: 20000, realtimePeriod: 1000000 } },
    });
    const c = await p.child('c', { resources: { cpu: { realtimeRuntime: 10000 } } });
    const dir = c.directories.find((d) => d.startsWith('/sys/fs/cgroup/cpu/')) ?? '';
    expect(readFileSync(join(dir, 'cpu.rt_runtime_us'), 'utf8').trim()).toBe('10000');
    const disk = readdirSync('/sys/block').find((d) => !/^(loop|ram|zram)/.test(d));
    expect(disk).toBeDefined();
    const [major, minor] = readFileSync(`/sys/block/${disk}/dev`, 'utf8').trim().split(':').map(Number);
    await c.set({ blockIO: { throttleReadBpsDevice: [{ major: major ?? 0, minor: minor ?? 0, rate: 1048576 }] } });
    const blkio = c.directories.find((d) => d.startsWith('/sys/fs/cgroup/blkio/')) ?? '';
    expect(readFileSync(join(blkio, 'blkio.throttle.read_bps_device'), 'utf8').trim()).toBe(
      `${major}:${minor} 1048576`,
    );
  });

  it('attaches a process everywhere, reads its stats, and delete waits for it to go', async () => {
    const cg = await Cgroup.create(`${parent}/run`, {
      resources: { memory: { limit: 256 << 20 }, pids: { limit: 100 } },
    });
    const h = hold('exec sleep 30');
    kids.push(h);
    await cg.addProcess(h.pid);
    h.release();
    expect(await cg.processes()).toEqual([h.pid]);
    const own = readFileSync(`/proc/${h.pid}/cgroup`, 'utf8');
    for (const ctrl of ['memory', 'pids', 'cpu', 'freezer'])
      expect(own).toMatch(new RegExp(`:${ctrl}:${parent}/run$`, 'm'));
    const s = await cg.stats();
    expect(s.pids).toEqual({ current: 1, limit: 100 });
    expect(s.memory?.limit).toBe(256 << 20);
    expect(s.cpu?.usageNs).toBeGreaterThanOrEqual(0);
    expect(s.memory?.stat).toHaveProperty('rss');
    const loaded = await Cgroup.load(`${parent}/run`);
    expect(await loaded.processes()).toEqual([h.pid]);
    const busy = await loaded.delete({ timeoutMs: 200 }).catch((e) => e);
    expect(busy).toMatchObject({ code: 'ERR_CGROUP_BUSY' });
    expect(busy.message).toContain(String(h.pid));
    h.child.kill('SIGKILL');
    await h.exited;
    await loaded.delete();
    expect(leftovers(`${parent}/run`)).toEqual([]);
    await loaded.delete();
  });

  it('an attach refused by one hierarchy (empty cpuset) is rolled back in the others', async () => {
    const cg = await Cgroup.create(`${parent}/nocpus`);
    const cpuset = cg.directories.find((d) => d.startsWith('/sys/fs/cgroup/cpuset/')) ?? '';
    writeFileSync(join(cpuset, 'cpuset.cpus'), '\n');
    const h = hold('exec sleep 30');
    kids.push(h);
    const before = readFileSync(`/proc/${h.pid}/cgroup`, 'utf8');
    await expect(cg.addProcess(h.pid)).rejects.toMatchObject({ code: 'ERR_CGROUP_CPUSET_EMPTY', errno: 'ENOSPC' });
    expect(readFileSync(`/proc/${h.pid}/cgroup`, 'utf8')).toBe(before);
    expect(await cg.processes()).toEqual([]);
  });

  it('moveTo moves every process; attaching a missing pid is ERR_CGROUP_NO_PROCESS', async () => {
    const a = await Cgroup.create(`${parent}/a`);
    const b = await Cgroup.create(`${parent}/b`);
    const h = hold('exec sleep 30');
    kids.push(h);
    await a.addProcess(h.pid);
    h.release();
    expect(await a.moveTo(b)).toBe(1);
    expect(await a.processes()).toEqual([]);
    expect(await b.processes()).toEqual([h.pid]);
    await expect(a.addProcess(2 ** 22 + 7)).rejects.toMatchObject({ code: 'ERR_CGROUP_NO_PROCESS' });
  });

  it('refuses to freeze, kill or change the caller’s own cgroup', async () => {
    const own = readFileSync('/proc/self/cgroup', 'utf8').match(/^\d+:pids:(.*)$/m)?.[1] ?? '/';
    const mine = await Cgroup.load(own);
    await expect(mine.kill()).rejects.toMatchObject({ code: 'ERR_CGROUP_OWN' });
    await expect(mine.freeze()).rejects.toMatchObject({ code: 'ERR_CGROUP_OWN' });
    await expect(mine.set({ pids: { limit: 1 } })).rejects.toMatchObject({ code: 'ERR_CGROUP_OWN' });
  });
});
