// Container lifecycle against a real OCI runtime: exact exit statuses, signals, stdio,
// image config as the process sees it, OOM, and that nothing is left behind.
import { createHash, randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Container } from '../../src/index.js';
import { cgroupsLeft, pidDirsLeft } from './cleanup.js';
import { makeEnv, type TestEnv } from './env.js';
import { BUSYBOX_IMAGE } from './rootfs.js';
import { collect } from './streams.js';

/** The container suite, run for each OCI runtime binary that accepts this host. */
export function containerSuite(binary: string, enabled: boolean, supervisor: 'runc' | 'subreaper' = 'runc'): void {
  describe.runIf(enabled)(`Container.run with ${binary} (supervisor: ${supervisor})`, () => {
    let env: TestEnv;
    const started: Container[] = [];
    beforeAll(async () => {
      env = await makeEnv(supervisor === 'runc' ? 'ctr' : 'sub', binary);
    });
    afterEach(async () => {
      // Even when a test failed half-way, no container may outlive it.
      const ids = started.map((c) => c.id);
      for (const c of started.splice(0)) await c.delete();
      expect(cgroupsLeft(env.cgroupPrefix)).toEqual([]);
      expect(ids.flatMap((id) => pidDirsLeft(id))).toEqual([]);
    });
    afterAll(async () => {
      await env?.dispose();
    });

    async function run(args: string[], opts: Parameters<TestEnv['bundle']>[0] = {}) {
      const { id, bundle } = await env.bundle({ args, ...opts });
      const c = await Container.run({ id, bundle, runtime: env.runc, supervisor });
      started.push(c);
      return c;
    }

    it('runs echo and reports exit 0 after its output', async () => {
      const c = await run(['echo', 'hello', 'world']);
      expect(c.pid).toBeGreaterThan(1);
      expect(inspect(c)).toMatch(new RegExp(`^Container ${c.id} \\{ pid: ${c.pid}, (running|exited 0), bundle: `));
      const [out, r] = await Promise.all([collect(c.stdout), c.wait()]);
      expect(out.toString()).toBe('hello world\n');
      expect(r).toEqual({ exitCode: 0, signal: null, oomKilled: false });
      expect(inspect(c)).toContain('exited 0');
    });

    it('output read only after wait() is not lost', async () => {
      const c = await run(['echo', 'late reader']);
      expect((await c.wait()).exitCode).toBe(0);
      expect((await collect(c.stdout)).toString()).toBe('late reader\n');
    });

    it.each([0, 1, 42, 255])('exit %i comes back exactly', async (code) => {
      const c = await run(['sh', '-c', `exit ${code}`]);
      expect(await c.wait()).toEqual({ exitCode: code, signal: null, oomKilled: false });
    });

    it('exit 137 is a signal only where it was one (exact with the subreaper supervisor)', async () => {
      const c = await run(['sh', '-c', 'exit 137']);
      const r = await c.wait();
      expect(r.exitCode).toBe(137);
      // A foreground runc reports only its exit status, so 128+n reads as signal n there.
      expect(r.signal).toBe(supervisor === 'subreaper' ? null : 'SIGKILL');
    });

    it('a container exiting 1 is not a runtime error, a missing binary is', async () => {
      const c = await run(['false']);
      expect((await c.wait()).exitCode).toBe(1);
      const { id, bundle } = await env.bundle({ args: ['/nonexistent'] });
      const err = await Container.run({ id, bundle, runtime: env.runc, supervisor }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_RUNTIME' });
      expect((err as Error).message).toMatch(/nonexistent.*no such file or directory/i);
      // The failed start left no container, no state, no pid directory and no cgroup behind.
      expect(await env.runc.list()).toEqual([]);
      expect(await readdir(env.runc.root)).toEqual([]);
      expect(pidDirsLeft(id)).toEqual([]);
    });

    it('SIGTERM is reported as the signal (init outside a private pid namespace)', async () => {
      const c = await run(['sleep', '60'], { namespaces: { pid: false } });
      await c.kill('SIGTERM');
      expect(await c.wait()).toEqual({ exitCode: 143, signal: 'SIGTERM', oomKilled: false });
    });

    it('SIGKILL is reported as the signal', async () => {
      const c = await run(['sleep', '60']);
      await c.kill('KILL');
      expect(await c.wait()).toEqual({ exitCode: 137, signal: 'SIGKILL', oomKilled: false });
    });

    it('stop() escalates to SIGKILL when PID 1 ignores SIGTERM', async () => {
      const c = await run(['sleep', '60']);
      const t0 = Date.now();
      const r = await c.stop({ timeoutMs: 300 });
      expect(r.signal).toBe('SIGKILL');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    });

    it('stop() returns as soon as a handled SIGTERM ends the container', async () => {
      const c = await run(['sh', '-c', 'trap "exit 7" TERM; echo ready; while :; do sleep 0.05; done']);
      // Only once the shell says so is its trap installed (a loaded machine can take a while).
      await new Promise<void>((resolve) => c.stdout?.once('data', () => resolve()));
      expect(await c.stop({ timeoutMs: 10_000 })).toEqual({ exitCode: 7, signal: null, oomKilled: false });
    });

    it('pipes 10 MiB through cat unchanged', async () => {
      const c = await run(['cat']);
      const data = randomBytes(10 * 1024 * 1024);
      const out = collect(c.stdout);
      c.stdin?.end(data);
      const [got, r] = await Promise.all([out, c.wait()]);
      expect(r.exitCode).toBe(0);
      expect(got.length).toBe(data.length);
      expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    });

    it('the process sees the image config: env, cwd, user, groups, hostname', async () => {
      const image = {
        ...BUSYBOX_IMAGE,
        config: { ...BUSYBOX_IMAGE.config, User: 'app', WorkingDir: '/work', Hostname: 'imghost' },
      };
      const c = await run(['sh', '-c', 'echo "$GREETING|$HOME"; pwd; id; hostname'], { image, env: { EXTRA: '1' } });
      const [out, r] = await Promise.all([collect(c.stdout), c.wait()]);
      expect(r.exitCode).toBe(0);
      expect(out.toString().split('\n')).toEqual([
        'hello from the image|/home/app',
        '/work',
        'uid=1000(app) gid=1000(app) groups=1000(app),1001(extra)',
        'imghost',
        '',
      ]);
    });

    it('a 32 MiB memory limit OOM-kills tail /dev/zero and wait() says so', async () => {
      const c = await run(['tail', '/dev/zero'], { resources: { memory: { limit: 32 * 1024 * 1024 } } });
      // A foreground run needs `run --keep` to read the counter before the cgroup goes;
      // crun 1.8 has none, so there only the subreaper supervisor can tell (README).
      const knows = supervisor === 'subreaper' || env.runc.supportsKeep;
      expect(await c.wait()).toEqual({ exitCode: 137, signal: 'SIGKILL', oomKilled: knows });
    });

    it('a SIGKILL with a memory limit but no OOM is not reported as OOM', async () => {
      const c = await run(['sleep', '60'], { resources: { memory: { limit: 32 * 1024 * 1024 } } });
      await c.kill('SIGKILL');
      expect(await c.wait()).toEqual({ exitCode: 137, signal: 'SIGKILL', oomKilled: false });
    });

    it('a bundle made from `spec` is removed by delete(), and by a failed start', async () => {
      const { id, spec } = await env.bundle({ args: ['true'] });
      const dir = `${env.dir}/own-${id}`;
      const c = await Container.run({ id, bundle: dir, spec, runtime: env.runc, supervisor });
      expect((await c.wait()).exitCode).toBe(0);
      await c.delete();
      await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
      const bad = await env.bundle({ args: ['/nonexistent'] });
      const dir2 = `${env.dir}/own-${bad.id}`;
      await expect(
        Container.run({ id: bad.id, bundle: dir2, spec: bad.spec, runtime: env.runc, supervisor }),
      ).rejects.toMatchObject({
        code: 'ERR_RUNTIME',
      });
      await expect(stat(dir2)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await env.runc.list()).toEqual([]);
    });

    it('delete() of a running container kills it and cleans up', async () => {
      const c = await run(['sleep', '60']);
      await c.delete();
      expect(c.exitResult?.signal).toBe('SIGKILL');
      expect(await env.runc.list()).toEqual([]);
    });
  });
}
