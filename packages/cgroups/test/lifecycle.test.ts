import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cgroup } from '../src/index.js';
import { fakeGroup, fakeRead, fakeRoot } from './helpers/fake-cgroupfs.js';

// Bounded operations on a fake tree: a fake cgroup never settles (cgroup.events keeps
// `frozen 0`, a directory full of files cannot be rmdir'ed), which is exactly the case
// the bounds exist for.
describe('freeze and delete are bounded (fake cgroupfs)', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('cg-life');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('v2 freeze that never reports frozen times out and writes cgroup.freeze back to 0', async () => {
    fakeRoot(root, 'unified', []);
    fakeGroup(root, 'unified', '/job', []);
    const cg = await Cgroup.load('/job', { root });
    const t0 = performance.now();
    await expect(cg.freeze({ timeoutMs: 80 })).rejects.toMatchObject({ code: 'ERR_CGROUP_TIMEOUT' });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(fakeRead(root, 'job/cgroup.freeze')).toBe('0');
    expect(await cg.freezerState()).toBe('thawed');
  });

  it('v2 freeze completes when cgroup.events says frozen; abort rejects with the reason', async () => {
    fakeRoot(root, 'unified', []);
    fakeGroup(root, 'unified', '/job', []);
    const cg = await Cgroup.load('/job', { root });
    setTimeout(() => writeFileSync(join(root, 'job/cgroup.events'), 'populated 1\nfrozen 1\n'), 30);
    await cg.freeze({ timeoutMs: 5000 });
    expect(fakeRead(root, 'job/cgroup.freeze')).toBe('1');
    expect(await cg.freezerState()).toBe('frozen');
    await cg.thaw();
    expect(fakeRead(root, 'job/cgroup.freeze')).toBe('0');
    writeFileSync(join(root, 'job/cgroup.events'), 'populated 1\nfrozen 0\n');
    const reason = new Error('enough');
    const ac = new AbortController();
    setTimeout(() => ac.abort(reason), 30);
    await expect(cg.freeze({ timeoutMs: 5000, signal: ac.signal })).rejects.toBe(reason);
    expect(fakeRead(root, 'job/cgroup.freeze')).toBe('0');
  });

  it('v1 freeze writes FROZEN and reads the state back', async () => {
    fakeRoot(root, 'legacy');
    fakeGroup(root, 'legacy', '/job');
    const cg = await Cgroup.load('/job', { root });
    await cg.freeze();
    expect(fakeRead(root, 'freezer/job/freezer.state')).toBe('FROZEN');
    await cg.thaw();
    expect(fakeRead(root, 'freezer/job/freezer.state')).toBe('THAWED');
  });

  it('delete retries, then fails with ERR_CGROUP_BUSY naming the remaining pids', async () => {
    fakeRoot(root, 'unified', []);
    fakeGroup(root, 'unified', '/job', []);
    writeFileSync(join(root, 'job/cgroup.procs'), '4242\n4343\n');
    const cg = await Cgroup.load('/job', { root });
    const err = await cg.delete({ timeoutMs: 50 }).catch((e) => e);
    expect(err).toMatchObject({ code: 'ERR_CGROUP_BUSY', errno: 'EBUSY' });
    expect(err.message).toContain('4242, 4343');
  });
});
