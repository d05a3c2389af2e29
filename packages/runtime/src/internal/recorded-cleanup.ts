// The clean-up plan Container.run records before it spawns the runtime: what a crashed
// supervisor could not remove, reconcile() and AttachedContainer.delete() do. It names the
// cgroup directories to remove and the private pid-file directory (pid-dir.ts). It lives
// in that directory when there is one (`/dev/shm/ctrkit-pid-<id>-XXXXXX/plan.json`, with the
// root it belongs to), else in the root (`<root>/<id>.cgroups.json`, as older versions
// wrote it, then as the cgroup list alone).
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { RuntimeError } from '../errors.js';
import type { Runc } from '../runc.js';
import { type CgroupPlan, removeCgroupLeftovers } from './cgroup-leftovers.js';
import { cgroupMounts } from './cgroup-mounts.js';
import { removePidFile } from './files.js';
import { isPidDirOf, ownPidDirs, PLAN_FILE } from './pid-dir.js';

export interface RecordedPlan {
  /** The runtime root the container belongs to. */
  readonly root: string;
  readonly cgroups: CgroupPlan;
  readonly pidDir: string | null;
}

/** Where the plan of a run goes: its pid directory when it has one, else the root. */
export function recordedPlanPath(root: string, id: string, pidDir: string | null): string {
  return pidDir !== null ? `${pidDir}/${PLAN_FILE}` : `${root}/${id}.cgroups.json`;
}

export function encodePlan(plan: RecordedPlan): string {
  return JSON.stringify(plan);
}

function planError(file: string, err: unknown): RuntimeError {
  return new RuntimeError('ERR_RUNTIME', 'internal', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
}

/** Acts on one parsed plan: the cgroup directories below a cgroup mount, and a pid directory named for `id`. */
function apply(plan: unknown, id: string): void {
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
}

/** The ids whose plans sit in pid directories of this root (for reconcile's sweep of ids runc no longer knows). */
export function idsWithPidDirPlans(rt: Runc): string[] {
  return pidDirPlans(rt).map((p) => p.id);
}

function pidDirPlans(rt: Runc, id?: string): { id: string; dir: string; plan: unknown }[] {
  const out: { id: string; dir: string; plan: unknown }[] = [];
  for (const d of ownPidDirs(id)) {
    const file = `${d.dir}/${PLAN_FILE}`;
    let plan: unknown;
    try {
      plan = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      // No plan: a directory of a run that had not written it yet, or not of ours.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw planError(file, err);
    }
    if ((plan as { root?: unknown } | null)?.root === rt.root) out.push({ ...d, plan });
  }
  return out;
}

/** Removes the recorded cgroup directories (only ones inside a cgroup mount), the pid directory and ctrkit's files for `id`. */
export async function removeRecorded(rt: Runc, id: string): Promise<void> {
  const file = recordedPlanPath(rt.root, id, null);
  let plan: unknown = null;
  try {
    plan = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw planError(file, err);
  }
  if (plan !== null) apply(plan, id);
  for (const p of pidDirPlans(rt, id)) {
    apply(p.plan, id);
    removePidFile(p.dir, id);
  }
  await Promise.all(
    [`${id}.pid`, `${id}.log.json`, `${id}.cgroups.json`].map((f) => rm(`${rt.root}/${f}`, { force: true })),
  );
}
