// A worker thread that exits with a wait still pending must not crash the process:
// the addon is unloaded with the worker, so its poll handles are closed (and their close
// callbacks run) in an async cleanup hook first. Runs in a child process so a crash is
// seen as a failed exit code, not a dead test runner.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { requires } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';

const gate = requires('root');
const addon = fileURLToPath(new URL('../build/Release/ctrkit_sys.node', import.meta.url));

const script = `
const { Worker } = require('node:worker_threads');
const body = \`
  const b = require(process.env.ADDON);
  const efd = b.eventfd(0, 0);
  const idle = new b.Poll(b.eventfd(0, 0));
  const waiting = new b.Poll(efd);
  waiting.start(b.pollEvents.READABLE, () => {});
  const closed = new b.Poll(b.eventfd(0, 0));
  closed.start(b.pollEvents.READABLE, () => {});
  closed.close();
  setTimeout(() => process.exit(0), 10);
\`;
(async () => {
  for (let i = 0; i < 4; i++) {
    await new Promise((res, rej) => new Worker(body, { eval: true }).once('exit', res).once('error', rej));
  }
  const w = new Worker(body.replace('process.exit(0)', '0'), { eval: true });
  await new Promise((r) => setTimeout(r, 50));
  await w.terminate();
  console.log('clean');
})();
`;

describe.runIf(gate.ok)('environment teardown', () => {
  it('survives workers exiting or terminated with poll handles active', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      env: { ...process.env, ADDON: addon },
    });
    expect(stdout.trim()).toBe('clean');
  });
});
