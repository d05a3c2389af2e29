// Whether crun accepts this host. crun 1.8 refuses hybrid cgroup hosts whose cgroup2
// hierarchy has controllers (peers.md §3), before it looks at the bundle; the probe runs
// it once on a trivial bundle and returns its refusal, which the suite prints as the skip reason.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, uniqueName } from '@ctrkit/testkit';

export async function crunRefusal(): Promise<string | null> {
  const dir = await makeTempDir('rt-crunprobe');
  const id = uniqueName('probe');
  // crun 1.8 creates /run/crun even when given --root; remove it again if we made it (and it is empty).
  const hadRunCrun = existsSync('/run/crun');
  try {
    await mkdir(join(dir, 'rootfs'));
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        ociVersion: '1.0.0',
        process: { args: ['/true'], cwd: '/', user: { uid: 0, gid: 0 } },
        root: { path: 'rootfs' },
        mounts: [],
        linux: { cgroupsPath: `/${id}/${id}`, namespaces: [{ type: 'mount' }] },
      }),
    );
    const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile('crun', ['--root', join(dir, 'state'), 'run', '--bundle', dir, id], (err, _stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr: String(stderr) });
      });
    });
    // With an empty rootfs crun gets as far as exec and fails there; only a cgroup refusal counts.
    if (/hybrid mode not supported|cgroup/i.test(out.stderr)) return out.stderr.trim();
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
    if (!hadRunCrun) await rmdir('/run/crun').catch(() => {});
  }
}
