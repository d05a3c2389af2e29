// The clean-up plan Container.run records before it spawns the runtime
// (`<root>/<id>.cgroups.json`): what a crashed supervisor could not remove, reconcile()
// and AttachedContainer.delete() do. It names the cgroup directories to remove and the
// private pid-file directory (pid-dir.ts); older versions wrote the cgroup list alone.
import { readFile, rm } from 'node:fs/promises';
import { RuntimeError } from '../errors.js';
import type { Runc } from '../runc.js';
import { type CgroupPlan, removeCgroupLeftovers } from './cgroup-leftovers.js';
import { cgroupMounts } from './cgroup-mounts.js';
import { removePidFile } from './files.js';
import { isPidDirOf } from './pid-dir.js';

export interface RecordedPlan {
  readonly cgroups: CgroupPlan;
  readonly pidDir: string | null;
}

export function recordedPlanPath(root: string, id: string): string {
  return `${root}/${id}.cgroups.json`;
}

export function encodePlan(plan: RecordedPlan): string {
  return JSON.stringify(plan);
}

/** Removes the recorded cgroup directories (only ones inside a cgroup mount), the pid directory and ctrkit's files for `id`. */
export async function removeRecorded(rt: Runc, id: string): Promise<void> {
  const file = recordedPlanPath(rt.root, id);
  let plan: unknown;
  try {
    plan = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new RuntimeError('ERR_RUNTIME', 'internal', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const record = (typeof plan === 'object' && plan !== null ? plan : {}) as Partial<Record<string, unknown>>;
  const cgroups = Array.isArray(plan) ? plan : Array.isArray(record.cgroups) ? record.cgroups : [];
  // The file is only ours by convention: act on nothing but directories below a cgroup mount,
  // and on a pid directory only if it has the name pid-dir.ts gives them.
  const mounts = cgroupMounts().map((m) => `${m.mountpoint}/`);
  const dirs = cgroups.filter(
    (p): p is string => typeof p === 'string' && !p.split('/').includes('..') && mounts.some((m) => p.startsWith(m)),
  );
  removeCgroupLeftovers(dirs);
  if (typeof record.pidDir === 'string' && isPidDirOf(record.pidDir, id)) removePidFile(record.pidDir, id);
  await Promise.all(
    [`${id}.pid`, `${id}.log.json`, `${id}.cgroups.json`].map((f) => rm(`${rt.root}/${f}`, { force: true })),
  );
}
