// The cgroup2 core on the real kernel: what every cgroup2 mount has, even the hybrid
// host's hugetlb-only one (procs, freeze, kill, cgroup.events watching, PSI files).
// Mode 'unified' uses only the cgroup2 hierarchy, so on a hybrid host this exercises
// the v2 paths instead of the v1 freezer.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { requires } from '@ctrkit/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Cgroup, type CgroupEvent, detectMode } from '../src/index.js';
import { type Held, hold, leftovers, removeAll, sleepMs, testParentPath, waitFor } from './helpers/system.js';

const gate = requires('root', 'cgroup:v2');
const parent = testParentPath();

describe.runIf(gate.ok)('cgroup2 core (real kernel)', () => {
  const kids: Held[] = [];
  afterEach(async () => {
    for (const k of kids.splice(0)) k.child.kill('SIGKILL');
    await removeAll(parent);
  });
  afterAll(() => {
    expect(leftovers(parent)).toEqual([]);
  });

  it('creates, attaches, lists, deletes on the cgroup2 mount', async () => {
    const cg = await Cgroup.create(`${parent}/core`, { mode: 'unified' });
    const v2 = detectMode().v2?.dir ?? '';
    expect(cg.directories).toEqual([`${v2}${parent}/core`]);
    const h = hold('exec sleep 30');
    kids.push(h);
    await cg.addProcess(h.pid);
    h.release();
    expect(await cg.processes()).toEqual([h.pid]);
    expect(readFileSync(`/proc/${h.pid}/cgroup`, 'utf8')).toMatch(new RegExp(`^0::${parent}/core$`, 'm'));
    const psi = await cg.pressure();
    expect(psi.cpu?.some.avg10).toBeGreaterThanOrEqual(0);
    await cg.kill();
    expect(await cg.processes()).toEqual([]);
    expect((await h.exited).signal).toBe('SIGKILL');
    await cg.delete();
    expect(leftovers(`${parent}/core`)).toEqual([]);
  });

  it('freeze stops a counting process via cgroup.freeze and thaw resumes it', async () => {
    const cg = await Cgroup.create(`${parent}/freeze`, { mode: 'unified' });
    const h = hold('i=0; while :; do i=$((i+1)); echo $i; sleep 0.01; done', { stdout: 'pipe' });
    kids.push(h);
    let lines = 0;
    h.child.stdout?.on('data', (d: Buffer) => {
      for (const c of d) if (c === 10) lines += 1;
    });
    await cg.addProcess(h.pid);
    h.release();
    expect(await waitFor(() => lines > 5)).toBe(true);
    await cg.freeze({ timeoutMs: 5000 });
    expect(await cg.freezerState()).toBe('frozen');
    // Lines written before the freeze may still be in the pipe; under emulation (the VM)
    // reading them can take longer than any fixed pause, so wait until none arrive.
    let a = lines;
    for (let quiet = 0, tries = 0; quiet < 3 && tries < 30; tries++) {
      await sleepMs(100);
      quiet = lines === a ? quiet + 1 : 0;
      a = lines;
    }
    await sleepMs(400);
    expect(lines).toBe(a);
    await cg.thaw();
    expect(await waitFor(() => lines > a + 5)).toBe(true);
    expect(await cg.freezerState()).toBe('thawed');
  });

  it('events(): populated, frozen and the end at populated 0 (fs.watch on cgroup.events)', async () => {
    const cg = await Cgroup.create(`${parent}/events`, { mode: 'unified' });
    const h = hold('exec sleep 30');
    kids.push(h);
    const seen: CgroupEvent[] = [];
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error('events did not end')), 10_000);
    const all = cg.events({ signal: ac.signal });
    const watchAll = (async () => {
      for await (const ev of all) {
        if (ev.type === 'populated') return ev;
      }
    })();
    await sleepMs(20);
    await cg.addProcess(h.pid);
    h.release();
    expect(await watchAll).toEqual({ type: 'populated', count: 1 });
    // untilEmpty on a populated cgroup: reports changes until populated 0.
    const watching = (async () => {
      for await (const ev of cg.events({ signal: ac.signal, untilEmpty: true })) seen.push(ev);
    })();
    await sleepMs(20);
    await cg.freeze();
    expect(await waitFor(() => seen.length >= 1)).toBe(true);
    await cg.thaw();
    expect(await waitFor(() => seen.length >= 2)).toBe(true);
    await cg.kill();
    await watching;
    clearTimeout(timer);
    expect(seen).toEqual([
      { type: 'frozen', count: 1 },
      { type: 'frozen', count: 0 },
      { type: 'populated', count: 0 },
    ]);
  });

  it('events() ends at once for an empty cgroup with untilEmpty, and throws the abort reason', async () => {
    const cg = await Cgroup.create(`${parent}/empty`, { mode: 'unified' });
    const seen: CgroupEvent[] = [];
    for await (const ev of cg.events({ untilEmpty: true })) seen.push(ev);
    expect(seen).toEqual([{ type: 'populated', count: 0 }]);
    const ac = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => ac.abort(reason), 30);
    const err = await (async () => {
      for await (const _ of cg.events({ signal: ac.signal })) {
      }
    })().catch((e) => e);
    expect(err).toBe(reason);
  });

  it('threaded mode: setType, addThread, processes() through cgroup.threads', async () => {
    const domain = await Cgroup.create(`${parent}/dom`, { mode: 'unified' });
    const worker = await domain.child('worker');
    expect(await worker.type()).toBe('domain');
    await worker.setType('threaded');
    expect(await worker.type()).toBe('threaded');
    expect(await domain.type()).toBe('domain threaded');
    await expect(worker.setType('domain' as 'threaded')).rejects.toMatchObject({ code: 'ERR_CGROUP_INVALID_VALUE' });
    const h = hold('exec sleep 30');
    kids.push(h);
    await domain.addProcess(h.pid);
    h.release();
    await worker.addThread(h.pid);
    // cgroup.procs of a threaded cgroup is ENOTSUP: the threads are mapped to their process.
    expect(await worker.processes()).toEqual([h.pid]);
    expect(await domain.processes({ recursive: true })).toEqual([h.pid]);
    await domain.kill();
    expect((await h.exited).signal).toBe('SIGKILL');
    await domain.delete();
    expect(leftovers(`${parent}/dom`)).toEqual([]);
  });

  it('watching 300 cgroups costs no extra inotify instance (one per event loop, shared watches)', async () => {
    const inotifyFds = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:inotify';
        } catch {
          return false;
        }
      }).length;
    const many: Cgroup[] = [];
    for (let i = 0; i < 300; i++) many.push(await Cgroup.create(`${parent}/many/c${i}`, { mode: 'unified' }));
    const before = inotifyFds();
    const acs = many.map(() => new AbortController());
    const loops = many.map(async (cg, i) => {
      try {
        for await (const _ of cg.events({ signal: acs[i]?.signal })) {
        }
      } catch {}
    });
    await sleepMs(100);
    expect(inotifyFds() - before).toBeLessThanOrEqual(1);
    for (const ac of acs) ac.abort();
    await Promise.all(loops);
  });

  it('kernel value errors on v2 files are typed (cgroup.freeze 2 is ERANGE)', async () => {
    const cg = await Cgroup.create(`${parent}/range`, { mode: 'unified' });
    const dir = cg.directories[0] ?? '';
    const { writeValue } = await import('../src/internal/fsio.js');
    expect(() => writeValue(`${dir}/cgroup.freeze`, '2')).toThrow(
      expect.objectContaining({ code: 'ERR_CGROUP_INVALID_VALUE', errno: 'ERANGE' }),
    );
    expect(() => writeValue(`${dir}/memory.nope`, '1')).toThrow(
      expect.objectContaining({ code: 'ERR_CGROUP_NOT_FOUND' }),
    );
  });
});
