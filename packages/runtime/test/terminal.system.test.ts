// Terminal containers: a pty from runc's --console-socket (received with @ctrkit/sys),
// resize, and exact exit status through the subreaper supervisor.
import { readdir } from 'node:fs/promises';
import { requires } from '@ctrkit/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Container } from '../src/index.js';
import { cgroupsLeft, openFds, zombieChildren } from './helpers/cleanup.js';
import { makeEnv, type TestEnv } from './helpers/env.js';

const gate = requires('root', 'binary:runc', 'cgroup:any:memory');

/** Reads terminal output until `re` matches. */
function until(stream: NodeJS.ReadableStream, re: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${re}; got ${JSON.stringify(text)}`)),
      timeoutMs,
    );
    const onData = (b: Buffer) => {
      text += b.toString();
      if (re.test(text)) {
        clearTimeout(timer);
        stream.off('data', onData);
        resolve(text);
      }
    };
    stream.on('data', onData);
  });
}

describe.runIf(gate.ok)('terminal containers', () => {
  let env: TestEnv;
  const started: Container[] = [];
  beforeAll(async () => {
    env = await makeEnv('tty');
  });
  afterEach(async () => {
    for (const c of started.splice(0)) await c.delete();
    expect(cgroupsLeft(env.cgroupPrefix)).toEqual([]);
    expect(await readdir(env.runc.root)).toEqual([]);
  });
  afterAll(async () => {
    await env?.dispose();
  });

  async function runTty(args: string[]) {
    const { id, bundle } = await env.bundle({ args, terminal: true });
    const c = await Container.run({ id, bundle, runtime: env.runc, stdio: { terminal: true } });
    started.push(c);
    return c;
  }

  it('tty prints a /dev/pts path and the exit status is exact', async () => {
    const c = await runTty(['sh', '-c', 'tty; exit 5']);
    const out = until(c.stdout as NodeJS.ReadableStream, /\/dev\/pts\/\d+/);
    expect(await out).toMatch(/^\/dev\/pts\/\d+\r?\n/);
    expect(await c.wait()).toEqual({ exitCode: 5, signal: null, oomKilled: false });
  });

  it('resize reaches the process (stty size), input reaches it too', async () => {
    const c = await runTty(['sh']);
    const out = c.stdout as NodeJS.ReadableStream;
    c.resize(132, 43);
    const size = until(out, /43 132/);
    c.stdin?.write('stty size\n');
    await size;
    c.resize(100, 30);
    const size2 = until(out, /30 100/);
    c.stdin?.write('stty size; exit 0\n');
    await size2;
    expect((await c.wait()).exitCode).toBe(0);
    expect(() => c.resize(1, 1)).toThrow(expect.objectContaining({ code: 'ERR_CONTAINER_NOT_RUNNING' }));
  });

  it('a signal kill is reported exactly, and exit 137 is not a signal here', async () => {
    const c = await runTty(['sleep', '60']);
    await c.kill('SIGKILL');
    expect(await c.wait()).toEqual({ exitCode: 137, signal: 'SIGKILL', oomKilled: false });
    const d = await runTty(['sh', '-c', 'exit 137']);
    expect(await d.wait()).toEqual({ exitCode: 137, signal: null, oomKilled: false });
    expect(zombieChildren()).toEqual([]);
  });

  it('a spec without process.terminal is ERR_INVALID_SPEC', async () => {
    const { id, bundle } = await env.bundle({ args: ['true'] });
    await expect(Container.run({ id, bundle, runtime: env.runc, stdio: { terminal: true } })).rejects.toMatchObject({
      code: 'ERR_INVALID_SPEC',
      field: 'process.terminal',
    });
  });

  it('a failed start removes everything and reports the runtime error', async () => {
    const { id, bundle } = await env.bundle({ args: ['/nonexistent'], terminal: true });
    await expect(Container.run({ id, bundle, runtime: env.runc, stdio: { terminal: true } })).rejects.toMatchObject({
      code: 'ERR_RUNTIME',
      runtimeMessage: /nonexistent/,
    });
    expect(await env.runc.list()).toEqual([]);
  });

  it('10 terminal runs leave no fd, zombie, socket or state behind', { timeout: 60_000 }, async () => {
    const warm = await runTty(['true']);
    await warm.wait();
    await warm.delete();
    started.splice(0);
    const before = openFds().sort();
    for (let i = 0; i < 10; i++) {
      const c = await runTty(['sh', '-c', `echo run-${i}`]);
      await until(c.stdout as NodeJS.ReadableStream, new RegExp(`run-${i}`));
      expect((await c.wait()).exitCode).toBe(0);
      await c.delete();
    }
    started.splice(0);
    expect(openFds().sort()).toEqual(before);
    expect(zombieChildren()).toEqual([]);
    expect(await env.runc.list()).toEqual([]);
  });
});
