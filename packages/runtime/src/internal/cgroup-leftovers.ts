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
 * Deepest first across hierarchies. A leaf whose parent is planned too is not looked at
 * first: runc removes the leaves itself, and the parent's rmdir succeeding proves the leaf
 * gone; only when the parent is busy is the leaf removed and the parent tried again.
 * Synchronous: an uncontended cgroupfs rmdir takes ~20 µs and touches no disk, less than
 * a thread-pool round trip per directory; under contention (the kernel's cgroup_mutex,
 * taken by every runc starting or ending) both wait alike.
 */
export function removeCgroupLeftovers(plan: CgroupPlan): string[] {
  const planned = new Set(plan);
  const parents = new Set(plan.map(parentOf));
  const viaParent = (dir: string) => !parents.has(dir) && planned.has(parentOf(dir));
  const kept: string[] = [];
  for (const dir of [...plan].sort((a, b) => depth(b) - depth(a))) {
    if (viaParent(dir)) continue;
    // A lone leaf (its parent existed before): a stat is cheaper than an rmdir that throws ENOENT.
    if (!parents.has(dir) && !existsSync(dir)) continue;
    if (tryRmdir(dir) !== 'busy') continue;
    const leaves = plan.filter((c) => parentOf(c) === dir && viaParent(c));
    const leavesGone = leaves.map(tryRmdir).every((r) => r !== 'busy');
    if (leaves.length === 0 || !leavesGone || tryRmdir(dir) === 'busy') {
      kept.push(...leaves.filter((c) => existsSync(c)), dir);
    }
  }
  return kept;
}

function tryRmdir(dir: string): 'removed' | 'absent' | 'busy' {
  try {
    rmdirSync(dir);
    return 'removed';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'absent';
    if (code === 'EBUSY' || code === 'ENOTEMPTY') return 'busy';
    throw err;
  }
}

function parentOf(dir: string): string {
  return dir.slice(0, dir.lastIndexOf('/'));
}

function depth(dir: string): number {
  let n = 0;
  for (let i = 0; i < dir.length; i++) if (dir.charCodeAt(i) === 47) n++;
  return n;
}
