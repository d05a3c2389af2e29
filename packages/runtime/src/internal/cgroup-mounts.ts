// The host's cgroup hierarchies (every v1 controller mount, name=systemd, and cgroup2),
// read once from /proc/self/mountinfo. runc's cgroupfs driver creates a container's
// cgroupsPath in each of them, and leaves the parents behind (peers.md §3).
import { readFileSync } from 'node:fs';
import { V1_CONTROLLERS } from '@ctrkit/cgroups';

export interface CgroupMount {
  readonly mountpoint: string;
  readonly version: 1 | 2;
  /** v1 controllers of the hierarchy (e.g. ["memory"], ["name=systemd"]); empty for v2. */
  readonly controllers: readonly string[];
  /** The cgroup path the mount's root shows (normally "/"). */
  readonly root: string;
}

let cached: CgroupMount[] | undefined;

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Parses mountinfo text into cgroup mounts (exported for tests). */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const fstype = right[0];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const root = unescapeOctal(left[3] ?? '/');
    const mountpoint = unescapeOctal(left[4] ?? '');
    if (fstype === 'cgroup2') {
      out.push({ mountpoint, version: 2, controllers: [], root });
      continue;
    }
    const opts = (right[2] ?? '').split(',');
    const controllers = opts.filter((o) => V1_CONTROLLERS.includes(o) || o.startsWith('name='));
    out.push({ mountpoint, version: 1, controllers, root });
  }
  return out;
}

export function cgroupMounts(): readonly CgroupMount[] {
  cached ??= parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
  return cached;
}

/** The host directory of `cgroupsPath` for the hierarchy holding `controller` (v1), else v2; null if none. */
export function cgroupDir(cgroupsPath: string, controller: string): string | null {
  const mounts = cgroupMounts();
  const v1 = mounts.find((m) => m.version === 1 && m.controllers.includes(controller) && m.root === '/');
  if (v1) return `${v1.mountpoint}${cgroupsPath}`;
  const v2 = mounts.find((m) => m.version === 2 && m.root === '/');
  return v2 ? `${v2.mountpoint}${cgroupsPath}` : null;
}
