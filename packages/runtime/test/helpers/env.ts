// One place that sets up what every runtime system test needs: a private runc root,
// a busybox rootfs, a unique cgroup parent per container, and leak-free teardown.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, uniqueName } from '@ctrkit/testkit';
import { Bundle, Runc, type Spec, type SpecOptions, specFromImage } from '../../src/index.js';
import { BUSYBOX_IMAGE, makeBusyboxLayerRootfs } from './rootfs.js';

export interface TestEnv {
  readonly dir: string;
  readonly rootfs: string;
  readonly runc: Runc;
  /** A unique top-level cgroup prefix for this env (checked for leftovers). */
  readonly cgroupPrefix: string;
  /** A fresh id and a bundle for a container with these spec options. */
  bundle(
    opts?: Partial<SpecOptions> & { image?: typeof BUSYBOX_IMAGE },
  ): Promise<{ id: string; bundle: Bundle; spec: Spec }>;
  dispose(): Promise<void>;
}

export async function makeEnv(tag: string, binary = 'runc'): Promise<TestEnv> {
  const dir = await makeTempDir(`rt-${tag}`);
  let rootfs: string;
  try {
    // The rootfs arrives as an image layer would: diffed into a tar.gz and applied by @ctrkit/snapshotter.
    rootfs = await makeBusyboxLayerRootfs(join(dir, 'rootfs'));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const runc = new Runc({ binary, root: join(dir, 'state') });
  const cgroupPrefix = uniqueName('cg');
  let n = 0;
  return {
    dir,
    rootfs,
    runc,
    cgroupPrefix,
    async bundle(opts = {}) {
      const id = uniqueName('c', 30);
      const bdir = join(dir, `b${++n}`);
      await mkdir(bdir);
      const { image, ...rest } = opts;
      const spec = await specFromImage(image ?? BUSYBOX_IMAGE, {
        rootfs,
        cgroupsPath: `/${cgroupPrefix}/${id}`,
        ...rest,
      });
      return { id, bundle: await Bundle.create(bdir, spec, { overwrite: true }), spec };
    },
    async dispose() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
