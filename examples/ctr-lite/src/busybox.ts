// The offline demo image: a root filesystem made from the host's busybox-static binary
// (Debian's /bin/busybox) with a link per applet, turned into a one-layer image.
// Nothing is downloaded.
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Descriptor } from '@ctrkit/oci-image';
import { imageBuild } from './commands/image.js';
import type { Context } from './context.js';
import { CliError } from './output.js';

export const BUSYBOX = '/bin/busybox';
export const DEMO_IMAGE = 'ctrkit/busybox:latest';

export async function buildBusyboxImage(ctx: Context, tag = DEMO_IMAGE): Promise<Descriptor> {
  let applets: string[];
  try {
    applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    throw new CliError('ERR_NO_BUSYBOX', `${BUSYBOX} cannot run`, 'install the Debian package busybox-static');
  }
  const dir = await mkdtemp(join(tmpdir(), 'ctrkit-busybox-'));
  try {
    for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'var', 'home']) await mkdir(join(dir, d));
    await chmod(join(dir, 'tmp'), 0o1777);
    await copyFile(BUSYBOX, join(dir, 'bin', 'busybox'));
    for (const a of applets) if (a !== 'busybox') await symlink('busybox', join(dir, 'bin', a));
    await writeFile(
      join(dir, 'etc', 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
    );
    await writeFile(join(dir, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    return await imageBuild(ctx, {
      from: dir,
      tag,
      cmd: ['/bin/sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
