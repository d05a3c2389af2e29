import { rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cgroup, type CgroupEvent } from '../src/index.js';
import { watchedFiles } from '../src/internal/watch-hub.js';
import { fakeGroup, fakeRoot } from './helpers/fake-cgroupfs.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

async function take(it: AsyncGenerator<CgroupEvent>, n: number): Promise<CgroupEvent[]> {
  const out: CgroupEvent[] = [];
  for await (const ev of it) {
    out.push(ev);
    if (out.length === n) break;
  }
  return out;
}

describe('events() diffing (fake cgroupfs, fs.watch on regular files)', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('cg-ev');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('v2: re-reads cgroup.events and memory.events and reports changed counters', async () => {
    fakeRoot(root, 'unified', ['memory']);
    fakeGroup(root, 'unified', '/job', ['memory']);
    const cg = await Cgroup.load('/job', { root });
    const got = take(cg.events(), 4);
    await tick();
    writeFileSync(join(root, 'job/cgroup.events'), 'populated 1\nfrozen 0\n');
    await tick();
    writeFileSync(join(root, 'job/memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n');
    expect(await got).toEqual([
      { type: 'populated', count: 1 },
      { type: 'oom', count: 1 },
      { type: 'oom_kill', count: 1 },
      { type: 'max', count: 3 },
    ]);
    expect(watchedFiles()).toBe(0);
  });

  it('shares one watch per file between iterators and ends when the file goes away', async () => {
    fakeRoot(root, 'unified', ['memory']);
    fakeGroup(root, 'unified', '/job', ['memory']);
    const cg = await Cgroup.load('/job', { root });
    const a = cg.events();
    const b = cg.events();
    const ra = take(a, 1);
    const rb = take(b, 1);
    await tick();
    expect(watchedFiles()).toBe(2);
    writeFileSync(join(root, 'job/cgroup.events'), 'populated 0\nfrozen 1\n');
    expect(await ra).toEqual([{ type: 'frozen', count: 1 }]);
    expect(await rb).toEqual([{ type: 'frozen', count: 1 }]);
    expect(watchedFiles()).toBe(0);
    const c = cg.events();
    const all = (async () => {
      const seen: CgroupEvent[] = [];
      for await (const ev of c) seen.push(ev);
      return seen;
    })();
    await tick();
    rmSync(join(root, 'job/cgroup.events'));
    expect(await all).toEqual([]);
    expect(watchedFiles()).toBe(0);
  });

  it('untilEmpty returns at once for an empty cgroup; a pre-aborted signal throws its reason', async () => {
    fakeRoot(root, 'unified', []);
    fakeGroup(root, 'unified', '/job', []);
    const cg = await Cgroup.load('/job', { root });
    expect(await take(cg.events({ untilEmpty: true }), 5)).toEqual([{ type: 'populated', count: 0 }]);
    const reason = new Error('no');
    const ac = new AbortController();
    ac.abort(reason);
    await expect(take(cg.events({ signal: ac.signal }), 1)).rejects.toBe(reason);
  });

  it('v1: polls memory.oom_control and cgroup.procs', async () => {
    fakeRoot(root, 'legacy');
    fakeGroup(root, 'legacy', '/job');
    const cg = await Cgroup.load('/job', { root });
    const got = take(cg.events({ oomSource: 'poll', pollMs: 10 }), 3);
    await tick();
    for (const c of ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'blkio', 'devices', 'freezer']) {
      writeFileSync(join(root, c, 'job/cgroup.procs'), '4242\n');
    }
    await tick();
    writeFileSync(join(root, 'memory/job/memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
    expect(await got).toEqual([
      { type: 'populated', count: 1 },
      { type: 'oom', count: 1 },
      { type: 'oom_kill', count: 1 },
    ]);
  });
});
