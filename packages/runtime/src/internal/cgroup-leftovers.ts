// runc 1.1's cgroupfs driver `mkdir -p`s an absolute cgroupsPath in every hierarchy and
// on delete removes only the leaf. Before a container starts we note, per hierarchy,
// which ancestors do not exist yet; after it is gone we rmdir exactly those (deepest
// first). Anything that existed before, or that another container now uses, is kept.
import { existsSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { cgroupMounts } from './cgroup-mounts.js';

/** Directories to remove later, deepest first, including the leaf itself. */
export type CgroupPlan = readonly string[];

/** Plans the clean-up of an absolute `cgroupsPath` (a systemd "slice:prefix:name" path plans nothing). */
export function planCgroupCleanup(cgroupsPath: string): CgroupPlan {
  if (!cgroupsPath.startsWith('/')) return [];
  const segments = cgroupsPath.split('/').filter((s) => s !== '');
  const plan: string[] = [];
  for (const m of cgroupMounts()) {
    if (m.root !== '/' || !existsSync(m.mountpoint)) continue;
    // Leaf first (runc normally removes it, but not after a crash), then each missing ancestor.
    for (let depth = segments.length; depth >= 1; depth--) {
      const dir = `${m.mountpoint}/${segments.slice(0, depth).join('/')}`;
      if (depth < segments.length && existsSync(dir)) break;
      plan.push(dir);
    }
  }
  return plan;
}

/**
 * Removes the planned directories that are now empty of processes and children. EBUSY
 * and ENOTEMPTY mean someone else lives there now: left alone. Returns what remains.
 * All hierarchies are done at once, one depth level at a time (children before parents):
 * a cgroup rmdir takes the kernel's global cgroup_mutex, so under contention each can take
 * milliseconds, and neither a serial chain nor a blocked event loop would do.
 */
export async function removeCgroupLeftovers(plan: CgroupPlan): Promise<string[]> {
  const byDepth = new Map<number, string[]>();
  for (const dir of plan) {
    // runc removes the leaves itself; a stat is far cheaper than a thread-pool rmdir that fails.
    if (!existsSync(dir)) continue;
    const depth = dir.split('/').length;
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), dir]);
  }
  const kept: string[] = [];
  for (const depth of [...byDepth.keys()].sort((x, y) => y - x)) {
    await Promise.all(
      (byDepth.get(depth) ?? []).map(async (dir) => {
        try {
          await rmdir(dir);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') return;
          if (code === 'EBUSY' || code === 'ENOTEMPTY') kept.push(dir);
          else throw err;
        }
      }),
    );
  }
  return kept;
}
