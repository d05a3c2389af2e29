// The clean-up plan Container.run records at start (`<root>/<id>.cgroups.json`): what a
// crashed supervisor could not remove, reconcile() and AttachedContainer.delete() do.
import { readFile, rm } from 'node:fs/promises';
import { RuntimeError } from '../errors.js';
import type { Runc } from '../runc.js';
import { removeCgroupLeftovers } from './cgroup-leftovers.js';
import { cgroupMounts } from './cgroup-mounts.js';

/** Removes the recorded cgroup directories (only ones inside a cgroup mount) and ctrkit's files for `id`. */
export async function removeRecorded(rt: Runc, id: string): Promise<void> {
  const file = `${rt.root}/${id}.cgroups.json`;
  let plan: unknown;
  try {
    plan = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new RuntimeError('ERR_RUNTIME', 'internal', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (Array.isArray(plan)) {
    // The file is only ours by convention: act on nothing but directories below a cgroup mount.
    const mounts = cgroupMounts().map((m) => `${m.mountpoint}/`);
    const dirs = plan.filter(
      (p): p is string => typeof p === 'string' && !p.split('/').includes('..') && mounts.some((m) => p.startsWith(m)),
    );
    await removeCgroupLeftovers(dirs);
  }
  await Promise.all(
    [`${id}.pid`, `${id}.log.json`, `${id}.cgroups.json`].map((f) => rm(`${rt.root}/${f}`, { force: true })),
  );
}
