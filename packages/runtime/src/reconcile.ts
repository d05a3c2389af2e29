// After a crash of the process that ran them, containers outlive their supervisor
// (a killed foreground runc leaves its container running, reference §2.6). reconcile()
// lists what the runtime still knows under its root and deletes it, reports it, or
// re-attaches to it; removes the cgroup parents recorded at start and stray files.
import { readdir, rm } from 'node:fs/promises';
import { AttachedContainer } from './attached-container.js';
import { idsWithPidDirPlans, removeRecorded } from './internal/recorded-cleanup.js';
import { Runc } from './runc.js';
import type { ContainerStatus } from './runc-types.js';

export interface ReconcileOptions {
  /**
   * 'delete' force-deletes every container found; 'report' only lists them; 'attach'
   * returns a handle on each live one (stopped ones are deleted). @default 'delete'
   */
  readonly action?: 'delete' | 'report' | 'attach';
  /** Only containers whose id passes this filter are touched. */
  readonly filter?: (id: string) => boolean;
}

export interface ReconciledContainer {
  readonly id: string;
  readonly status: ContainerStatus;
  readonly pid: number;
  readonly bundle: string;
  readonly deleted: boolean;
  /** With action 'attach', a handle on a container that is still created, running or paused. */
  readonly attached?: AttachedContainer;
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
    if (action === 'attach' && c.status !== 'stopped' && c.pid > 0) {
      const attached = await AttachedContainer.attach(rt, c);
      out.push({ id: c.id, status: c.status, pid: c.pid, bundle: c.bundle, deleted, attached });
      continue;
    }
    if (action === 'delete' || action === 'attach') {
      await rt.delete(c.id, { force: true });
      deleted = true;
      await removeRecorded(rt, c.id);
    }
    out.push({ id: c.id, status: c.status, pid: c.pid, bundle: c.bundle, deleted });
  }
  if (action !== 'report') {
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
    // Plans kept beside the pid file in /dev/shm (pid-dir.ts) name the root they belong to.
    for (const id of idsWithPidDirPlans(rt)) if (!known.has(id) && keep(id)) await removeRecorded(rt, id);
  }
  return out;
}
