// A busybox rootfs made by the project itself, with no image download: the static
// /bin/busybox from Debian's busybox-static, a symlink per applet, and a minimal
// /etc/passwd and /etc/group (root, plus "app" 1000:1000 in the supplementary group "extra").
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const BUSYBOX = '/bin/busybox';

export const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app user:/home/app:/bin/sh\n';
export const GROUP = 'root:x:0:\ntty:x:5:\napp:x:1000:\nextra:x:1001:app\n';

/** Writes a busybox rootfs into `dir` (which must not exist yet, or be empty). */
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
