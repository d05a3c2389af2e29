// The runc driver against the real runc: create/start/state, exec, pause/resume, ps,
// update, events/stats, a @ctrkit/netns namespace, and reconcile after a crash.
import { spawn } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Netns, Rtnetlink } from '@ctrkit/netns';
import { requires, uniqueName } from '@ctrkit/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Container, reconcile } from '../src/index.js';
import { cgroupsLeft, pidDirsLeft } from './helpers/cleanup.js';
import { makeEnv, type TestEnv } from './helpers/env.js';
import { collect } from './helpers/streams.js';

const gate = requires('root', 'binary:runc', 'cgroup:any:memory', 'cgroup:any:freezer');

describe.runIf(gate.ok)('runc lifecycle', () => {
  let env: TestEnv;
  const started: Container[] = [];
  const ids: string[] = [];
  const rawParents: string[] = [];
  beforeAll(async () => {
    env = await makeEnv('life');
  });
  afterEach(async () => {
    for (const c of started.splice(0)) await c.delete();
    for (const id of ids.splice(0)) await env.runc.delete(id, { force: true });
    await reconcile(env.runc);
    for (const p of rawParents.splice(0)) for (const d of cgroupsLeft(p)) await rmdir(d);
    expect(cgroupsLeft(env.cgroupPrefix)).toEqual([]);
  });
  afterAll(async () => {
    await env?.dispose();
  });

  async function sleeper(opts: Parameters<TestEnv['bundle']>[0] = {}) {
    const { id, bundle } = await env.bundle({ args: ['sleep', '60'], ...opts });
    const c = await Container.run({ id, bundle, runtime: env.runc, stdio: 'ignore' });
    started.push(c);
    return c;
  }

  it('version() and features() of the real runc', async () => {
    const v = await env.runc.version();
    expect(v.runtime).toBe('runc');
    expect(v.version).toMatch(/^\d+\.\d+\.\d+/);
    const f = await env.runc.features();
    expect(f?.hooks).toContain('poststop');
  });

  it("stdio 'inherit' hands the container this process's stdio", async () => {
    const { id, bundle } = await env.bundle({ args: ['sh', '-c', 'exit 9'] });
    const c = await Container.run({ id, bundle, runtime: env.runc, stdio: 'inherit' });
    expect([c.stdin, c.stdout, c.stderr]).toEqual([null, null, null]);
    expect((await c.wait()).exitCode).toBe(9);
  });

  it('create, state, start, kill, delete', async () => {
    // Raw runc leaves the parents of cgroupsPath behind: this test gets its own and removes them.
    const parent = `${env.cgroupPrefix}raw`;
    const { id, bundle } = await env.bundle({ args: ['sleep', '60'], cgroupsPath: `/${parent}/x` });
    ids.push(id);
    rawParents.push(parent);
    await env.runc.create(id, { bundle: bundle.dir, pidFile: `${env.dir}/${id}.pid` });
    const created = await env.runc.state(id);
    expect(created).toMatchObject({ id, status: 'created', bundle: bundle.dir });
    expect(Number(await readFile(`${env.dir}/${id}.pid`, 'utf8'))).toBe(created.pid);
    await env.runc.start(id);
    expect((await env.runc.state(id)).status).toBe('running');
    expect((await env.runc.list()).map((c) => c.id)).toContain(id);
    await expect(env.runc.delete(id)).rejects.toMatchObject({ code: 'ERR_RUNTIME', runtimeMessage: /not stopped/ });
    await env.runc.kill(id, 'KILL');
    await env.runc.delete(id, { force: true });
    await expect(env.runc.state(id)).rejects.toMatchObject({ code: 'ERR_CONTAINER_NOT_FOUND' });
  });

  it('an id in use is ERR_CONTAINER_EXISTS and the running container is left alone', async () => {
    const c = await sleeper();
    const { bundle } = await env.bundle({ args: ['true'] });
    await expect(Container.run({ id: c.id, bundle, runtime: env.runc })).rejects.toMatchObject({
      code: 'ERR_CONTAINER_EXISTS',
    });
    await expect(env.runc.create(c.id, { bundle: bundle.dir })).rejects.toMatchObject({ code: 'ERR_CONTAINER_EXISTS' });
    expect((await env.runc.state(c.id)).status).toBe('running');
  });

  it('a failed create leaves no container behind', async () => {
    const parent = `${env.cgroupPrefix}fc`;
    rawParents.push(parent);
    const { id, bundle } = await env.bundle({
      args: ['true'],
      cgroupsPath: `/${parent}/x`,
      hooks: { createRuntime: [{ path: '/bin/false' }] },
    });
    await expect(env.runc.create(id, { bundle: bundle.dir })).rejects.toMatchObject({ code: 'ERR_RUNTIME' });
    await expect(env.runc.state(id)).rejects.toMatchObject({ code: 'ERR_CONTAINER_NOT_FOUND' });
  });

  it('exec runs inside the container and reports its exit code; a missing binary is ERR_RUNTIME', async () => {
    const c = await sleeper();
    const p = await c.exec({ args: ['sh', '-c', 'echo in-$(hostname); exit 3'] });
    const [out, r] = await Promise.all([collect(p.stdout), p.wait()]);
    expect(out.toString()).toBe('in-ctrkit\n');
    expect(r).toEqual({ exitCode: 3, signal: null });
    const bad = await c.exec({ args: ['/no/such/binary'] });
    await expect(bad.wait()).rejects.toMatchObject({
      code: 'ERR_RUNTIME',
      runtimeMessage: /no such file or directory/,
    });
  });

  it('exec --detach with a pid file, and kill --all reaches every process', async () => {
    const c = await sleeper();
    const pidFile = `${env.dir}/${c.id}.exec.pid`;
    const p = await c.exec({ args: ['sleep', '60'] }, { detach: true, pidFile });
    expect((await p.wait()).exitCode).toBe(0);
    const execPid = Number(await readFile(pidFile, 'utf8'));
    expect((await c.ps()).sort()).toEqual([c.pid, execPid].sort());
    await c.kill('SIGKILL', { all: true });
    expect((await c.wait()).signal).toBe('SIGKILL');
  });

  it('pause and resume', async () => {
    const c = await sleeper();
    await c.pause();
    expect((await env.runc.state(c.id)).status).toBe('paused');
    const p = await c.exec({ args: ['true'] });
    await expect(p.wait()).rejects.toMatchObject({ runtimeMessage: /paused/ });
    await c.resume();
    expect((await env.runc.state(c.id)).status).toBe('running');
  });

  it('ps lists host pids, update changes limits, stats and events report them', async () => {
    const c = await sleeper({ resources: { memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 32 } } });
    expect(await c.ps()).toEqual([c.pid]);
    await c.update({ pids: { limit: 16 } });
    const stats = await c.stats();
    expect(stats.pids?.limit).toBe(16);
    expect(stats.pids?.current).toBeGreaterThanOrEqual(1);
    expect(stats.memory?.usage?.limit).toBe(64 * 1024 * 1024);
    const ac = new AbortController();
    const seen = [];
    for await (const e of c.events({ intervalMs: 100, signal: ac.signal })) {
      seen.push(e);
      if (seen.length === 2) break;
    }
    expect(seen.map((e) => e.type)).toEqual(['stats', 'stats']);
  });

  it('events emulated from the cgroup (as for crun) yield the same stats keys', async () => {
    const c = await sleeper({ resources: { memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 32 } } });
    const seen = [];
    for await (const e of c.runtime.events(c.id, { intervalMs: 100, emulate: true })) {
      seen.push(e);
      if (seen.length === 2) break;
    }
    expect(seen.map((e) => e.type)).toEqual(['stats', 'stats']);
    // pids.current counts tasks: right after the start runc's init may still be leaving.
    expect(seen[0]?.data?.pids?.limit).toBe(32);
    expect(seen[0]?.data?.pids?.current).toBeGreaterThanOrEqual(1);
    expect(seen[0]?.data?.memory?.usage?.limit).toBe(64 * 1024 * 1024);
    const it = c.runtime.events(c.id, { intervalMs: 50, emulate: true });
    expect((await it.next()).value?.type).toBe('stats');
    await c.kill('KILL');
    await c.wait();
    const rest = [];
    for await (const e of it) rest.push(e);
    expect(rest.length).toBeLessThan(3);
    await expect(c.runtime.events(c.id, { emulate: true }).next()).rejects.toMatchObject({
      code: 'ERR_CONTAINER_NOT_FOUND',
    });
  });

  it('events end when the container stops', async () => {
    const c = await sleeper();
    const it = c.events({ intervalMs: 50 });
    const first = await it.next();
    expect(first.value?.type).toBe('stats');
    await c.kill('KILL');
    await c.wait();
    // runc's events loop exits 0 once the container is gone: the iterator just ends
    // (after the few samples taken while the kill and the wait ran).
    const ended = performance.now();
    for await (const _ of it) {
      // drain
    }
    expect(performance.now() - ended).toBeLessThan(5_000);
  });

  it('hooks run with the OCI state on stdin (createRuntime, poststop)', async () => {
    const created = `${env.dir}/hook-created.json`;
    const stopped = `${env.dir}/hook-stopped.json`;
    const { id, bundle } = await env.bundle({
      args: ['true'],
      hooks: {
        createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', `cat > ${created}`], timeout: 10 }],
        poststop: [{ path: '/bin/sh', args: ['sh', '-c', `cat > ${stopped}`] }],
      },
    });
    const c = await Container.run({ id, bundle, runtime: env.runc, stdio: 'ignore' });
    expect((await c.wait()).exitCode).toBe(0);
    expect(JSON.parse(await readFile(created, 'utf8'))).toMatchObject({ id, status: 'creating', bundle: bundle.dir });
    expect(JSON.parse(await readFile(stopped, 'utf8'))).toMatchObject({ id, bundle: bundle.dir });
  });

  it("a failing createRuntime hook fails the start with runc's message and leaves nothing", async () => {
    const { id, bundle } = await env.bundle({
      args: ['true'],
      hooks: { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', 'echo hook-broke >&2; exit 3'] }] },
    });
    await expect(Container.run({ id, bundle, runtime: env.runc, stdio: 'ignore' })).rejects.toMatchObject({
      code: 'ERR_RUNTIME',
      runtimeMessage: /hook/,
    });
    expect(await env.runc.list()).toEqual([]);
  });

  const netGate = requires('root', 'link:veth');
  it.runIf(netGate.ok)('a container joined to a @ctrkit/netns namespace sees its interfaces', async () => {
    const ns = await Netns.create(uniqueName('rtn'));
    const rt = await Rtnetlink.open({ netns: ns });
    try {
      const a = uniqueName('va');
      await rt.links.add({ name: a, kind: 'veth', peer: { name: `${a.slice(0, 13)}p` } });
      const { id, bundle } = await env.bundle({ args: ['cat', '/proc/net/dev'], namespaces: { network: ns.path } });
      const c = await Container.run({ id, bundle, runtime: env.runc });
      const [out, r] = await Promise.all([collect(c.stdout), c.wait()]);
      expect(r.exitCode).toBe(0);
      const names = out
        .toString()
        .split('\n')
        .slice(2)
        .map((l) => l.split(':')[0]?.trim())
        .filter(Boolean)
        .sort();
      expect(names).toEqual([a, `${a.slice(0, 13)}p`, 'lo'].sort());
    } finally {
      rt.close();
      await ns.delete();
    }
  });

  it('reconcile() removes a container whose supervising runc was killed', async () => {
    const c = await sleeper();
    started.splice(started.indexOf(c), 1);
    // A crash of the supervisor: SIGKILL the foreground runc (reference §2.6). wait()
    // reports the runtime's death as ERR_RUNTIME and force-deletes the orphan itself.
    process.kill(c.runtimePid as number, 'SIGKILL');
    await expect(c.wait()).rejects.toMatchObject({ code: 'ERR_RUNTIME', runtimeMessage: /killed by SIGKILL/ });
    expect(await env.runc.list()).toEqual([]);
    // A crash of this process is the case for reconcile(): here the supervisor is killed
    // and the container found before wait() gets to clean up.
    const d = await sleeper();
    started.splice(started.indexOf(d), 1);
    expect((await reconcile(env.runc, { action: 'report' })).map((x) => [x.id, x.status])).toEqual([[d.id, 'running']]);
    const removed = await reconcile(env.runc);
    expect(removed.map((x) => [x.id, x.deleted])).toEqual([[d.id, true]]);
    // The supervising runc saw its container die of SIGKILL.
    expect((await d.wait()).signal).toBe('SIGKILL');
    expect(await env.runc.list()).toEqual([]);
  });

  it('after a crash of the process that ran it, reconcile() removes the container, its cgroup parents and pid directory', async () => {
    // Its own cgroup parent, which runc creates and only the recorded plan says to remove.
    const parent = `${env.cgroupPrefix}crash`;
    const { id, bundle } = await env.bundle({ args: ['sleep', '60'], cgroupsPath: `/${parent}/x` });
    const index = pathToFileURL(join(import.meta.dirname, '../src/index.ts')).href;
    const script = [
      `import { Container, Runc } from ${JSON.stringify(index)};`,
      `await Container.run({ id: ${JSON.stringify(id)}, bundle: ${JSON.stringify(bundle.dir)},`,
      `  runtime: new Runc({ root: ${JSON.stringify(env.runc.root)} }), stdio: 'ignore' });`,
      `process.stdout.write('started\\n');`,
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const child = spawn(
      process.execPath,
      ['--conditions=@ctrkit/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const gone = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => b.toString().includes('started') && resolve());
        child.once('exit', (code) => reject(new Error(`the child exited ${code} before the start`)));
      });
      expect(cgroupsLeft(parent).length).toBeGreaterThan(0);
      // A root on a disk filesystem gets its pid file in /dev/shm (a tmpfs root keeps it).
      const tmpfsRoot = statfsSync(env.runc.root).type === 0x01021994;
      expect(pidDirsLeft(id)).toHaveLength(tmpfsRoot ? 0 : 1);
    } finally {
      // The crash: its foreground runc and the container live on, orphaned.
      child.kill('SIGKILL');
      await gone;
    }
    const removed = await reconcile(env.runc);
    expect(removed.map((x) => [x.id, x.deleted])).toEqual([[id, true]]);
    expect(cgroupsLeft(parent)).toEqual([]);
    expect(pidDirsLeft(id)).toEqual([]);
    expect(await readdir(env.runc.root)).toEqual([]);
  });

  it("reconcile({ action: 'attach' }) hands back live containers nobody supervises", async () => {
    // A detached runc run: what a crashed parent leaves (no supervisor, no exit status).
    const parent = `${env.cgroupPrefix}att`;
    rawParents.push(parent);
    const { id, bundle } = await env.bundle({ args: ['sleep', '60'], cgroupsPath: `/${parent}/x` });
    ids.push(id);
    const p = env.runc.run(id, { bundle: bundle.dir, detach: true });
    expect((await p.exited).status).toBe(0);
    const [found] = await reconcile(env.runc, { action: 'attach' });
    expect(found?.id).toBe(id);
    const a = found?.attached;
    if (!a) throw new Error('not attached');
    expect(a.pid).toBe((await env.runc.state(id)).pid);
    await a.kill('SIGKILL');
    await a.exited;
    await a.delete();
    expect(await env.runc.list()).toEqual([]);
  });
});
