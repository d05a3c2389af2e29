// A busybox rootfs made by the project itself, with no image download: the static
// /bin/busybox from Debian's busybox-static, a symlink per applet, and a minimal
// /etc/passwd and /etc/group (root, plus "app" 1000:1000 in the supplementary group "extra").
// The tree is turned into a gzip layer with @ctrkit/snapshotter's diffTrees and unpacked
// with its applyLayer, as an image's layer would be.
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { applyLayer, diffTrees } from '@ctrkit/snapshotter';

export const BUSYBOX = '/bin/busybox';

export const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app user:/home/app:/bin/sh\n';
export const GROUP = 'root:x:0:\ntty:x:5:\napp:x:1000:\nextra:x:1001:app\n';

/** Pinned mtimes make the layer reproducible (peers.md §2.1). */
const EPOCH = 1_700_000_000;

/**
 * Builds the busybox tree in `<dir>.tree`, diffs it into `<dir>.layer.tar.gz` and applies
 * that layer into `dir`: the rootfs as an image's layer would deliver it.
 */
export async function makeBusyboxLayerRootfs(dir: string): Promise<string> {
  const tree = await makeBusyboxRootfs(`${dir}.tree`);
  const layerFile = `${dir}.layer.tar.gz`;
  const layer = diffTrees(null, tree, { compression: 'gzip', sourceDateEpoch: EPOCH });
  await pipeline(layer, createWriteStream(layerFile));
  await layer.digests;
  await mkdir(dir);
  await applyLayer(dir, layerFile);
  await rm(tree, { recursive: true, force: true });
  await rm(layerFile, { force: true });
  return dir;
}

/** Writes the busybox tree into `dir` (which must not exist yet, or be empty). */
export async function makeBusyboxRootfs(dir: string): Promise<string> {
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'home/app', 'work']) {
    await mkdir(join(dir, d), { recursive: true });
  }
  await chmod(join(dir, 'tmp'), 0o1777);
  await copyFile(BUSYBOX, join(dir, 'bin/busybox'));
  await chmod(join(dir, 'bin/busybox'), 0o755);
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter((a) => /^[a-z0-9_.[-]+$/.test(a) && a !== 'busybox');
  await Promise.all(applets.map((a) => symlink('busybox', join(dir, 'bin', a))));
  await writeFile(join(dir, 'etc/passwd'), PASSWD);
  await writeFile(join(dir, 'etc/group'), GROUP);
  await writeFile(join(dir, 'etc/hostname'), 'busybox\n');
  return dir;
}

/** The image config the fixture image would carry (umoci-style, peers.md §2.1). */
export const BUSYBOX_IMAGE = {
  architecture: 'amd64',
  os: 'linux',
  config: {
    Env: ['PATH=/bin', 'GREETING=hello from the image'],
    Cmd: ['/bin/sh'],
    WorkingDir: '/',
  },
};
