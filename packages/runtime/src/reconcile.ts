// After a crash of the process that ran them, containers outlive their supervisor
// (a killed foreground runc leaves its container running, reference §2.6). reconcile()
// lists what the runtime still knows under its root and deletes it (or only reports),
// removes the cgroup parents recorded at start, and ctrkit's stray per-container files.
import { readdir, readFile, rm } from 'node:fs/promises';
import { RuntimeError } from './errors.js';
import { removeCgroupLeftovers } from './internal/cgroup-leftovers.js';
import { Runc } from './runc.js';
import type { ContainerStatus } from './runc-types.js';

export interface ReconcileOptions {
  /** 'delete' force-deletes every container found; 'report' only lists them. @default 'delete' */
  readonly action?: 'delete' | 'report';
  /** Only containers whose id passes this filter are touched. */
  readonly filter?: (id: string) => boolean;
}

export interface ReconciledContainer {
  readonly id: string;
  readonly status: ContainerStatus;
  readonly pid: number;
  readonly bundle: string;
  readonly deleted: boolean;
}

/** Finds containers left under `runtime.root` and deletes (or reports) them. */
export async function reconcile(runtime: Runc | string, opts: ReconcileOptions = {}): Promise<ReconciledContainer[]> {
  const rt = typeof runtime === 'string' ? new Runc({ root: runtime }) : runtime;
  const action = opts.action ?? 'delete';
  const keep = opts.filter ?? (() => true);
  const found = (await rt.list()).filter((c) => keep(c.id));
  const out: ReconciledContainer[] = [];
  for (const c of found) {
    let deleted = false;
    if (action === 'delete') {
      await rt.delete(c.id, { force: true });
      deleted = true;
      await removeRecorded(rt, c.id);
    }
    out.push({ id: c.id, status: c.status, pid: c.pid, bundle: c.bundle, deleted });
  }
  if (action === 'delete') {
    // Files of containers runc no longer knows (it exited, or never started).
    let names: string[] = [];
    try {
      names = await readdir(rt.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const known = new Set(found.map((c) => c.id));
    for (const name of names) {
      const m = name.match(/^(.+)\.(pid|log\.json|cgroups\.json|exec-[0-9a-f]+\.json)$/);
      if (!m || known.has(m[1] as string) || !keep(m[1] as string)) continue;
      if (m[2] === 'cgroups.json') await removeRecorded(rt, m[1] as string);
      else await rm(`${rt.root}/${name}`, { force: true });
    }
  }
  return out;
}

async function removeRecorded(rt: Runc, id: string): Promise<void> {
  const file = `${rt.root}/${id}.cgroups.json`;
  let plan: unknown;
  try {
    plan = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new RuntimeError('ERR_RUNTIME', 'internal', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (Array.isArray(plan))
    await removeCgroupLeftovers(
      plan.filter((p): p is string => typeof p === 'string' && p.startsWith('/sys/fs/cgroup/')),
    );
  await Promise.all(
    [`${id}.pid`, `${id}.log.json`, `${id}.cgroups.json`].map((f) => rm(`${rt.root}/${f}`, { force: true })),
  );
}
