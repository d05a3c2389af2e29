// runc 1.1's cgroupfs driver `mkdir -p`s an absolute cgroupsPath in every hierarchy and
// on delete removes only the leaf. Before a container starts we note, per hierarchy,
// which ancestors do not exist yet; after it is gone we rmdir exactly those (deepest
// first). Anything that existed before, or that another container now uses, is kept.
import { existsSync, rmdirSync } from 'node:fs';
import { cgroupMounts } from './cgroup-mounts.js';

/** Directories to remove later, deepest first within each hierarchy, including the leaf itself. */
export type CgroupPlan = readonly string[];

/** Plans the clean-up of an absolute `cgroupsPath` (a systemd "slice:prefix:name" path plans nothing). */
export function planCgroupCleanup(cgroupsPath: string): CgroupPlan {
  if (!cgroupsPath.startsWith('/')) return [];
  const segments = cgroupsPath.split('/').filter((s) => s !== '');
  const plan: string[] = [];
  for (const m of cgroupMounts()) {
    if (m.root !== '/') continue;
    // Leaf first (runc normally removes it, but not after a crash), then each missing
    // ancestor, deepest first: once one exists, so do those above it.
    plan.push(`${m.mountpoint}/${segments.join('/')}`);
    for (let depth = segments.length - 1; depth >= 1; depth--) {
      const dir = `${m.mountpoint}/${segments.slice(0, depth).join('/')}`;
      if (existsSync(dir)) break;
      plan.push(dir);
    }
  }
  return plan;
}

/**
 * Removes the planned directories that are now empty of processes and children. EBUSY
 * and ENOTEMPTY mean someone else lives there now: left alone. Returns what remains.
 * Deepest first across hierarchies. Synchronous: an uncontended cgroupfs rmdir takes
 * ~20 µs and touches no disk, while a thread-pool round trip per directory costs more
 * than the rmdir itself; under contention (the kernel's cgroup_mutex, taken by every
 * runc starting or ending) both wait alike.
 */
export function removeCgroupLeftovers(plan: CgroupPlan): string[] {
  const dirs = [...plan].sort((a, b) => depth(b) - depth(a));
  const kept: string[] = [];
  for (const dir of dirs) {
    // runc removes the leaves itself; a stat is cheaper than an rmdir that throws ENOENT.
    if (!existsSync(dir)) continue;
    try {
      rmdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code === 'EBUSY' || code === 'ENOTEMPTY') kept.push(dir);
      else throw err;
    }
  }
  return kept;
}

function depth(dir: string): number {
  let n = 0;
  for (let i = 0; i < dir.length; i++) if (dir.charCodeAt(i) === 47) n++;
  return n;
}
