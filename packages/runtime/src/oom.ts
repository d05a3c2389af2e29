// OOM-kill detection: the container's memory cgroup counts OOM kills (v1
// memory.oom_control `oom_kill`, v2 memory.events `oom_kill`); @ctrkit/cgroups reads it.
// Read after the init exited and before the cgroup is removed; no polling involved.
import { Cgroup } from '@ctrkit/cgroups';

/** The number of OOM kills in the container's memory cgroup, or null when it has none (or is gone). */
export async function oomKillCount(cgroupsPath: string): Promise<number | null> {
  let cg: Cgroup;
  try {
    cg = await Cgroup.load(cgroupsPath);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_CGROUP_NOT_FOUND') return null;
    throw err;
  }
  if (!('memory' in cg.controllers)) return null;
  const stats = await cg.stats({ only: ['memory'] });
  return stats.memory?.oomKills ?? null;
}
