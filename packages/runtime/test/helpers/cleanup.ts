// Leak checks for system tests: every cgroup hierarchy, runc's root, our fds, mounts.
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

export const HIERARCHIES = readFileSync('/proc/self/mounts', 'utf8')
  .split('\n')
  .map((l) => l.split(' '))
  .filter((f) => f[2] === 'cgroup' || f[2] === 'cgroup2')
  .map((f) => f[1] as string);

/** cgroup directories named `name` (a top-level test prefix) that still exist, in any hierarchy. */
export function cgroupsLeft(prefix: string): string[] {
  return HIERARCHIES.map((h) => `${h}/${prefix}`).filter((d) => existsSync(d));
}

/** Private pid-file directories (/dev/shm/ctrkit-pid-<id>-XXXXXX) left for ids starting with `prefix`. */
export function pidDirsLeft(prefix: string): string[] {
  return readdirSync('/dev/shm').filter((n) => n.startsWith(`ctrkit-pid-${prefix}`));
}

/** Open fds of this process (targets), for leak comparison. */
export function openFds(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      out.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {}
  }
  return out;
}

/** Mount points under `dir`. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(dir));
}

/** Zombie children of this process. */
export function zombieChildren(): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (after[0] === 'Z' && Number(after[1]) === process.pid) out.push(Number(p));
    } catch {}
  }
  return out;
}
