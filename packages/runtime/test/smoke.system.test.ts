import { requires } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Container } from '../src/index.js';
import { cgroupsLeft } from './helpers/cleanup.js';
import { makeEnv, type TestEnv } from './helpers/env.js';

const gate = requires('root', 'binary:runc', 'cgroup:v1:memory');

describe.runIf(gate.ok)('smoke', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await makeEnv('smoke');
  });
  afterAll(async () => {
    await env?.dispose();
  });
  it('runs echo', async () => {
    const { id, bundle } = await env.bundle({ args: ['echo', 'hi'] });
    const c = await Container.run({ id, bundle, runtime: env.runc });
    const chunks: Buffer[] = [];
    c.stdout?.on('data', (b: Buffer) => chunks.push(b));
    const r = await c.wait();
    expect(r).toEqual({ exitCode: 0, signal: null, oomKilled: false });
    expect(Buffer.concat(chunks).toString()).toBe('hi\n');
    expect(cgroupsLeft(env.cgroupPrefix)).toEqual([]);
  });
});
