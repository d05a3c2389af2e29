// Runc against a fake runtime binary: the exact argv, log-based errors, output parsing.
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runc } from '../src/index.js';

const FAKE = join(import.meta.dirname, 'fixtures/fake-runc.mjs');
let dir: string;
let runc: Runc;

async function argvs(): Promise<string[][]> {
  const text = await readFile(join(dir, 'argv'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ctrkit-rt-fake-'));
  process.env.FAKE_RUNC_ARGV = join(dir, 'argv');
  runc = new Runc({ binary: FAKE, root: join(dir, 'root') });
});
afterEach(async () => {
  for (const k of [
    'FAKE_RUNC_ARGV',
    'FAKE_RUNC_LOG_ERROR',
    'FAKE_RUNC_EXIT',
    'FAKE_RUNC_NO_FEATURES',
    'FAKE_RUNC_EMPTY',
    'FAKE_RUNC_STDIN',
  ]) {
    delete process.env[k];
  }
  await rm(dir, { recursive: true, force: true });
});

describe('Runc with a fake runtime', () => {
  it('passes --root and a per-container JSON log before the command', async () => {
    const s = await runc.state('c1');
    expect(s).toMatchObject({ id: 'c1', pid: 4242, status: 'running' });
    expect(await argvs()).toEqual([
      ['--root', join(dir, 'root'), '--log', join(dir, 'root/c1.log.json'), '--log-format', 'json', 'state', 'c1'],
    ]);
  });

  it('adds --systemd-cgroup', async () => {
    const r = new Runc({ binary: FAKE, root: join(dir, 'root'), systemdCgroup: true });
    await r.list();
    expect((await argvs())[0]).toEqual(['--root', join(dir, 'root'), '--systemd-cgroup', 'list', '--format', 'json']);
  });

  it('kill normalises signal names to numbers, --all before the id', async () => {
    await runc.kill('c1', 'TERM');
    await runc.kill('c1', 'SIGKILL', { all: true });
    await runc.kill('c1', 10);
    expect((await argvs()).map((a) => a.slice(6))).toEqual([
      ['kill', 'c1', '15'],
      ['kill', '--all', 'c1', '9'],
      ['kill', 'c1', '10'],
    ]);
    await expect(runc.kill('c1', 'SIGNOPE')).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('delete --force, pause, resume, start', async () => {
    await runc.delete('c1', { force: true });
    await runc.delete('c1');
    await runc.pause('c1');
    await runc.resume('c1');
    await runc.start('c1');
    expect((await argvs()).map((a) => a.slice(6))).toEqual([
      ['delete', '--force', 'c1'],
      ['delete', 'c1'],
      ['pause', 'c1'],
      ['resume', 'c1'],
      ['start', 'c1'],
    ]);
  });

  it('create passes bundle, pid file and console socket, and waits only for exit', async () => {
    await runc.create('c1', { bundle: '/b', pidFile: '/p', consoleSocket: '/s', noPivot: true });
    expect((await argvs())[0]?.slice(6)).toEqual([
      'create',
      '--bundle',
      '/b',
      '--pid-file',
      '/p',
      '--console-socket',
      '/s',
      '--no-pivot',
      'c1',
    ]);
  });

  it('a missing container is ERR_CONTAINER_NOT_FOUND with runc message from the log', async () => {
    const err = await runc.state('missing').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'ERR_CONTAINER_NOT_FOUND',
      runtimeMessage: 'container does not exist',
      exitCode: 1,
    });
  });

  it('kill of a stopped container is ERR_CONTAINER_NOT_RUNNING', async () => {
    await expect(runc.kill('stopped', 'KILL')).rejects.toMatchObject({ code: 'ERR_CONTAINER_NOT_RUNNING' });
  });

  it('other runtime failures are ERR_RUNTIME carrying the last logged error only', async () => {
    process.env.FAKE_RUNC_LOG_ERROR = 'cannot start a container that has stopped';
    await expect(runc.start('c1')).rejects.toMatchObject({
      code: 'ERR_RUNTIME',
      runtimeMessage: 'cannot start a container that has stopped',
    });
    process.env.FAKE_RUNC_LOG_ERROR = 'second failure';
    // The log now has two errors; the call reports only the one logged during it.
    await expect(runc.start('c1')).rejects.toMatchObject({ runtimeMessage: 'second failure' });
  });

  it('a foreground run exiting 1 without a logged error is the container, not the runtime', async () => {
    process.env.FAKE_RUNC_EXIT = '1';
    const p = runc.run('c1', { bundle: '/b', stdio: 'ignore' });
    expect(await p.exited).toEqual({ status: 1, signal: null });
    expect(inspect(p)).toBe(`RuncProcess { pid: ${p.pid}, exited 1, argv: /b c1 }`);
    expect(await runc.lastError('c1')).toBeNull();
    process.env.FAKE_RUNC_LOG_ERROR = 'runc run failed: unable to start container process';
    const q = runc.run('c1', { bundle: '/b', stdio: 'ignore', keep: true });
    expect((await q.exited).status).toBe(1);
    expect(await runc.lastError('c1')).toBe('runc run failed: unable to start container process');
  });

  it('list parses JSON, and null as empty', async () => {
    expect(await runc.list()).toEqual([{ id: 'a', pid: 1, status: 'running', bundle: '/b' }]);
    process.env.FAKE_RUNC_EMPTY = '1';
    expect(await runc.list()).toEqual([]);
  });

  it('ps returns host pids', async () => {
    expect(await runc.ps('c1')).toEqual([123, 456]);
  });

  it('update pipes LinuxResources JSON to --resources -', async () => {
    process.env.FAKE_RUNC_STDIN = join(dir, 'stdin');
    await runc.update('c1', { memory: { limit: 1048576 } });
    expect((await argvs())[0]?.slice(6)).toEqual(['update', '--resources', '-', 'c1']);
    expect(JSON.parse(await readFile(join(dir, 'stdin'), 'utf8'))).toEqual({ memory: { limit: 1048576 } });
  });

  it('events yields parsed lines and an error event for non-JSON', async () => {
    const got = [];
    for await (const e of runc.events('c1', { intervalMs: 250 })) got.push(e);
    expect(got).toEqual([
      { type: 'stats', id: 'c1', data: { pids: { current: 1 }, memory: { usage: { usage: 4096 } } } },
      { type: 'error', id: 'c1', error: 'not json' },
    ]);
    expect((await argvs())[0]?.slice(6)).toEqual(['events', '--interval', '250ms', 'c1']);
    expect(await runc.stats('c1')).toEqual({ pids: { current: 1 }, memory: { usage: { usage: 4096 } } });
  });

  it('version and features', async () => {
    expect(await runc.version()).toEqual({
      runtime: 'runc',
      version: '1.1.5+ds1',
      commit: '1.1.5+ds1-1+deb12u1',
      spec: '1.0.2-dev',
    });
    expect(await runc.features()).toMatchObject({ ociVersionMax: '1.0.2-dev' });
    process.env.FAKE_RUNC_NO_FEATURES = '1';
    expect(await runc.features()).toBeNull();
  });

  it('exec writes process.json, runs it in the foreground and removes it afterwards', async () => {
    process.env.FAKE_RUNC_EXIT = '3';
    const p = await runc.exec('c1', { args: ['ls'], cwd: '/', user: { uid: 0, gid: 0 } }, { stdio: 'ignore' });
    expect((await p.exited).status).toBe(3);
    const argv = (await argvs())[0] ?? [];
    expect(argv.slice(6, 8)).toEqual(['exec', '--process']);
    expect(argv[8]).toMatch(/c1\.exec-[0-9a-f]+\.json$/);
    await new Promise((r) => setTimeout(r, 50));
    await expect(readFile(argv[8] as string)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a missing binary is ERR_RUNTIME_NOT_FOUND', async () => {
    const r = new Runc({ binary: join(dir, 'no-such-runc'), root: join(dir, 'root') });
    await expect(r.state('c1')).rejects.toMatchObject({ code: 'ERR_RUNTIME_NOT_FOUND' });
  });

  it('rejects ids that are not safe file names', () => {
    expect(() => runc.logPath('../etc')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it("the default binary 'runc' is looked up on PATH (a fake runc first on PATH is used)", async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await symlink(FAKE, join(bin, 'runc'));
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    try {
      const r = new Runc({ root: join(dir, 'root') });
      expect(r.binary).toBe('runc');
      expect((await r.version()).version).toBe('1.1.5+ds1');
      expect(await argvs()).toEqual([['--version']]);
    } finally {
      process.env.PATH = saved;
    }
  });
});
