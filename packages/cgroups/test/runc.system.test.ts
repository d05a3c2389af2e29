// Interop with the OCI runtime that @ctrkit/runtime drives: runc creates a container's
// cgroup from linux.resources, and this package loads it by its cgroupsPath, reads its
// stats, watches it and kills it — what the runtime does with a container's cgroup.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, requires, uniqueName, which } from '@ctrkit/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cgroup, type CgroupEvent } from '../src/index.js';
import { leftovers, removeAll, testParentPath, waitFor } from './helpers/system.js';

const gate = requires('root', 'binary:runc', 'binary:busybox', 'cgroup:any:memory', 'cgroup:any:pids');
const parent = testParentPath();

describe.runIf(gate.ok)('a runc container cgroup (interop)', () => {
  let dir: string;
  let id: string;
  const runc = (...args: string[]) => spawnSync('runc', ['--root', join(dir, 'state'), ...args], { encoding: 'utf8' });

  beforeAll(async () => {
    dir = await makeTempDir('cg-runc');
    const rootfs = join(dir, 'bundle', 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    mkdirSync(join(dir, 'state'));
    copyFileSync(which('busybox') ?? '/bin/busybox', join(rootfs, 'bin', 'busybox'));
    for (const tool of ['sh', 'sleep']) symlinkSync('busybox', join(rootfs, 'bin', tool));
    execFileSync('runc', ['spec'], { cwd: join(dir, 'bundle') });
  });
  afterEach(async () => {
    runc('delete', '--force', id);
    await removeAll(parent);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    expect(leftovers(parent)).toEqual([]);
  });

  it('load() finds the container, stats show its limits, kill() ends it and events() see it go', async () => {
    id = uniqueName('runc');
    const configPath = join(dir, 'bundle', 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    config.process.terminal = false;
    config.process.args = ['/bin/sleep', '60'];
    config.linux.cgroupsPath = `${parent}/ctr`;
    config.linux.resources = { ...config.linux.resources, memory: { limit: 64 << 20 }, pids: { limit: 20 } };
    writeFileSync(configPath, JSON.stringify(config));
    // The container inherits runc's stdio: a file, not a pipe that spawnSync would wait on.
    const errFile = join(dir, `${id}.err`);
    const errFd = openSync(errFile, 'w');
    const run = spawnSync('runc', ['--root', join(dir, 'state'), 'run', '--detach', id], {
      cwd: join(dir, 'bundle'),
      stdio: ['ignore', 'ignore', errFd],
    });
    closeSync(errFd);
    expect(run.status, readFileSync(errFile, 'utf8')).toBe(0);
    const pid = JSON.parse(runc('state', id).stdout).pid as number;

    const cg = await Cgroup.load(`${parent}/ctr`);
    expect(await cg.processes()).toEqual([pid]);
    const s = await cg.stats();
    expect(s.memory?.limit).toBe(64 << 20);
    expect(s.pids?.limit).toBe(20);
    // pids counts tasks: runc's init threads linger for a moment after `run --detach`.
    expect(await waitFor(async () => (await cg.stats()).pids?.current === 1)).toBe(true);
    // Updating through this package lands where runc put the cgroup.
    await cg.set({ pids: { limit: 30 } });
    expect((await cg.stats()).pids?.limit).toBe(30);

    const seen: CgroupEvent[] = [];
    const watching = (async () => {
      for await (const ev of cg.events({ untilEmpty: true })) seen.push(ev);
    })();
    await cg.kill();
    await watching;
    expect(seen.at(-1)).toEqual({ type: 'populated', count: 0 });
    expect(await waitFor(() => JSON.parse(runc('state', id).stdout).status === 'stopped')).toBe(true);
  });
});
