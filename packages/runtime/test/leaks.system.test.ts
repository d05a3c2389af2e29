// 200 sequential containers leave nothing: no runc state, no cgroup in any hierarchy,
// no pid-file directory in /dev/shm, no mount, no zombie child and no leaked fd in this Node process.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { requires } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Container, Runc } from '../src/index.js';
import { cgroupsLeft, mountsUnder, openFds, pidDirsLeft, zombieChildren } from './helpers/cleanup.js';
import { makeEnv, type TestEnv } from './helpers/env.js';
import { collect } from './helpers/streams.js';

const gate = requires('root', 'binary:runc', 'cgroup:any:memory');

describe.runIf(gate.ok)('200 sequential runs', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await makeEnv('leak');
  });
  afterAll(async () => {
    await env?.dispose();
  });

  it('leave no state, cgroup, mount, zombie or fd behind', { timeout: 180_000 }, async () => {
    const { bundle } = await env.bundle({ args: ['sh', '-c', 'echo ok; exit 3'] });
    // One warm-up run so lazily opened fds (inotify, module caches) exist before the baseline.
    const warm = await Container.run({ id: `${env.cgroupPrefix}w`, bundle, runtime: env.runc });
    await Promise.all([collect(warm.stdout), warm.wait()]);
    const fdsBefore = openFds().sort();
    for (let i = 0; i < 200; i++) {
      // Alternate pipe and ignore stdio, and a memory limit (the --keep path) every third run.
      const stdio = i % 2 === 0 ? 'pipe' : 'ignore';
      const c = await Container.run({ id: `${env.cgroupPrefix}-${i}`, bundle, runtime: env.runc, stdio });
      const [out, r] = await Promise.all([collect(c.stdout), c.wait()]);
      expect(r.exitCode).toBe(3);
      if (stdio === 'pipe') expect(out.toString()).toBe('ok\n');
    }
    expect(await env.runc.list()).toEqual([]);
    expect(await readdir(env.runc.root)).toEqual([]);
    expect(cgroupsLeft(env.cgroupPrefix)).toEqual([]);
    expect(pidDirsLeft(env.cgroupPrefix)).toEqual([]);
    expect(mountsUnder(env.dir)).toEqual([]);
    expect(zombieChildren()).toEqual([]);
    expect(openFds().sort()).toEqual(fdsBefore);
  });

  it('the same with a memory limit (run --keep, OOM counter, explicit delete)', { timeout: 120_000 }, async () => {
    const { bundle } = await env.bundle({ args: ['true'], resources: { memory: { limit: 64 * 1024 * 1024 } } });
    const fdsBefore = openFds().sort();
    for (let i = 0; i < 50; i++) {
      const c = await Container.run({ id: `${env.cgroupPrefix}-m${i}`, bundle, runtime: env.runc, stdio: 'ignore' });
      expect(await c.wait()).toEqual({ exitCode: 0, signal: null, oomKilled: false });
    }
    expect(await env.runc.list()).toEqual([]);
    expect(await readdir(env.runc.root)).toEqual([]);
    expect(cgroupsLeft(env.cgroupPrefix)).toEqual([]);
    expect(pidDirsLeft(env.cgroupPrefix)).toEqual([]);
    expect(zombieChildren()).toEqual([]);
    expect(openFds().sort()).toEqual(fdsBefore);
  });

  it('the same with the runtime root on tmpfs (pid file and plan kept in the root)', { timeout: 60_000 }, async () => {
    const root = await mkdtemp('/dev/shm/ctrkit-rt-root-');
    try {
      const runc = new Runc({ root });
      const { bundle } = await env.bundle({ args: ['true'] });
      for (let i = 0; i < 20; i++) {
        const c = await Container.run({ id: `${env.cgroupPrefix}-t${i}`, bundle, runtime: runc, stdio: 'ignore' });
        expect(await c.wait()).toEqual({ exitCode: 0, signal: null, oomKilled: false });
      }
      expect(await runc.list()).toEqual([]);
      expect(await readdir(root)).toEqual([]);
      expect(cgroupsLeft(env.cgroupPrefix)).toEqual([]);
      expect(pidDirsLeft(env.cgroupPrefix)).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
