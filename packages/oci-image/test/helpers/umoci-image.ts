// Builds a small busybox image with umoci (peers.md §2 recipe, reduced): two layers,
// every mtime pinned, so its digests do not depend on the clock.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PIN = '@1700000000';

async function pin(root: string): Promise<void> {
  await run('find', [root, '-exec', 'touch', '-h', '-d', PIN, '{}', '+']);
}

/** Creates the layout at `layout` with tag `v2` (and `v1`), using `work` as scratch. */
export async function buildUmociImage(layout: string, work: string): Promise<void> {
  const bundle = join(work, 'bundle');
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', `${layout}:v1`]);
  await run('umoci', ['unpack', '--image', `${layout}:v1`, bundle]);
  const rootfs = join(bundle, 'rootfs');
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  await mkdir(join(rootfs, 'etc'), { recursive: true });
  await copyFile('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  for (const l of ['sh', 'ls', 'cat', 'echo', 'true']) await symlink('busybox', join(rootfs, 'bin', l));
  await writeFile(join(rootfs, 'etc', 'modify.txt'), 'original\n');
  await writeFile(join(rootfs, 'etc', 'delete.txt'), 'doomed\n');
  await pin(rootfs);
  await run('umoci', ['repack', '--history.created', '2023-11-14T22:13:20Z', '--image', `${layout}:v1`, bundle]);
  await run('umoci', [
    'config',
    '--image',
    `${layout}:v1`,
    '--created',
    '2023-11-14T22:13:20Z',
    '--history.created',
    '2023-11-14T22:13:20Z',
    '--config.cmd',
    '/bin/sh',
    '--config.env',
    'PATH=/bin',
    '--config.workingdir',
    '/',
    '--architecture',
    'amd64',
    '--os',
    'linux',
  ]);
  // v2 = v1 plus edits, from a fresh unpack of v1 so the repack adds one layer.
  const bundle2 = join(work, 'bundle2');
  await run('umoci', ['unpack', '--image', `${layout}:v1`, bundle2]);
  const rootfs2 = join(bundle2, 'rootfs');
  await writeFile(join(rootfs2, 'etc', 'modify.txt'), 'modified\n');
  await run('rm', [join(rootfs2, 'etc', 'delete.txt')]);
  await writeFile(join(rootfs2, 'etc', 'added.txt'), 'added\n');
  await pin(rootfs2);
  await run('umoci', ['repack', '--history.created', '2023-11-14T22:13:20Z', '--image', `${layout}:v2`, bundle2]);
}
