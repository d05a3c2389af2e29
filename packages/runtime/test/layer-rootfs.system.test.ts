// The busybox rootfs as an image layer: the tree is diffed into a gzip layer with
// @ctrkit/snapshotter and applied with its applyLayer, then the container runs from it.
import { join } from 'node:path';
import { requires } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle, Container, specFromImage } from '../src/index.js';
import { cgroupsLeft } from './helpers/cleanup.js';
import { makeEnv, type TestEnv } from './helpers/env.js';
import { BUSYBOX_IMAGE, makeBusyboxLayerRootfs } from './helpers/rootfs.js';
import { collect } from './helpers/streams.js';

const gate = requires('root', 'binary:runc', 'cgroup:any:memory', 'openat2');

describe.runIf(gate.ok)('a rootfs unpacked from a layer', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await makeEnv('layer');
  });
  afterAll(async () => {
    await env?.dispose();
  });

  it('runs echo and the image user from the applied layer', async () => {
    const rootfs = await makeBusyboxLayerRootfs(join(env.dir, 'layer-rootfs'));
    const spec = await specFromImage(
      { ...BUSYBOX_IMAGE, config: { ...BUSYBOX_IMAGE.config, User: 'app' } },
      { rootfs, args: ['sh', '-c', 'echo from-layer; id -u'], cgroupsPath: `/${env.cgroupPrefix}/l` },
    );
    const bundle = await Bundle.create(join(env.dir, 'layer-bundle'), spec);
    const c = await Container.run({ id: `${env.cgroupPrefix}l`, bundle, runtime: env.runc });
    const [out, r] = await Promise.all([collect(c.stdout), c.wait()]);
    expect(r).toEqual({ exitCode: 0, signal: null, oomKilled: false });
    expect(out.toString()).toBe('from-layer\n1000\n');
    expect(cgroupsLeft(env.cgroupPrefix)).toEqual([]);
  });
});
