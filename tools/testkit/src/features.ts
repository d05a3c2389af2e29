// Probes for the kernel features and binaries a system test may need. Each probe is
// synchronous (so it can drive `describe.runIf` at collection time) and cached.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A feature a system test can require:
 * - `root`: running as uid 0.
 * - `cap:NAME`: the effective capability (e.g. `cap:NET_ADMIN`, `cap:SYS_ADMIN`).
 * - `binary:NAME`: an executable on PATH (e.g. `binary:runc`).
 * - `link:KIND`: the kernel can create that rtnetlink link kind (veth, bridge, ipip, vxlan, ...).
 * - `fs:NAME`: the filesystem type is registered (e.g. `fs:overlay`).
 * - `openat2`: the openat2(2) syscall (Linux >= 5.6).
 * - `cgroup:v1:CTRL`: a cgroup v1 hierarchy with that controller is mounted.
 * - `cgroup:v2:CTRL`: a cgroup2 mount offers that controller (`cgroup:v2` alone: any cgroup2 mount).
 * - `cgroup:unified`: /sys/fs/cgroup itself is a pure cgroup2 mount.
 * - `cgroup:any:CTRL`: the controller a runtime would use here: a v1 hierarchy with it, or,
 *   on a pure cgroup2 host, the cgroup2 controller (`freezer` is built into cgroup2).
 */
export type Feature =
  | 'root'
  | 'openat2'
  | 'cgroup:unified'
  | 'cgroup:v2'
  | `cap:${string}`
  | `binary:${string}`
  | `link:${string}`
  | `fs:${string}`
  | `cgroup:v1:${string}`
  | `cgroup:v2:${string}`
  | `cgroup:any:${string}`;

const cache = new Map<string, string | null>();

/** Returns null when the feature is present, else the reason it is missing. */
export function missing(feature: Feature): string | null {
  const hit = cache.get(feature);
  if (hit !== undefined) return hit;
  const reason = probe(feature);
  cache.set(feature, reason);
  return reason;
}

const CAPS: Record<string, number> = {
  CHOWN: 0,
  DAC_OVERRIDE: 1,
  FOWNER: 3,
  KILL: 5,
  SETGID: 6,
  SETUID: 7,
  NET_ADMIN: 12,
  NET_RAW: 13,
  SYS_CHROOT: 18,
  SYS_PTRACE: 19,
  SYS_ADMIN: 21,
  MKNOD: 27,
};

function probe(feature: Feature): string | null {
  if (feature === 'root') {
    return process.getuid?.() === 0 ? null : `not running as root (uid ${process.getuid?.()})`;
  }
  if (feature === 'openat2') {
    const [major = 0, minor = 0] = release().split('.').map(Number);
    return major > 5 || (major === 5 && minor >= 6) ? null : `kernel ${release()} has no openat2 (needs 5.6)`;
  }
  if (feature.startsWith('cap:')) {
    const name = feature.slice(4);
    const bit = CAPS[name];
    if (bit === undefined) throw new Error(`testkit: unknown capability ${name}`);
    const line = readFileSync('/proc/self/status', 'utf8').match(/^CapEff:\s*([0-9a-f]+)/m);
    const eff = BigInt(`0x${line?.[1] ?? '0'}`);
    return (eff >> BigInt(bit)) & 1n ? null : `capability CAP_${name} is not effective`;
  }
  if (feature.startsWith('binary:')) {
    const name = feature.slice(7);
    return which(name) ? null : `${name} is not installed (not on PATH)`;
  }
  if (feature.startsWith('fs:')) {
    const name = feature.slice(3);
    const fss = readFileSync('/proc/filesystems', 'utf8')
      .split('\n')
      .map((l) => l.split('\t').pop());
    if (fss.includes(name)) return null;
    // Not registered yet: a module may provide it (modprobe exits non-zero when it cannot).
    if (tryRun('modprobe', [name])) return null;
    return `filesystem ${name} is not available in kernel ${release()}`;
  }
  if (feature.startsWith('link:')) return probeLinkKind(feature.slice(5));
  if (feature === 'cgroup:unified') {
    return cgroupMounts().some((m) => m.type === 'cgroup2' && m.target === '/sys/fs/cgroup')
      ? null
      : '/sys/fs/cgroup is not a pure cgroup2 mount (this host runs cgroups in legacy or hybrid mode)';
  }
  if (feature === 'cgroup:v2') {
    return cgroupMounts().some((m) => m.type === 'cgroup2') ? null : 'no cgroup2 mount';
  }
  if (feature.startsWith('cgroup:v2:')) {
    const ctrl = feature.slice(10);
    for (const m of cgroupMounts()) {
      if (m.type !== 'cgroup2') continue;
      const path = join(m.target, 'cgroup.controllers');
      if (existsSync(path) && readFileSync(path, 'utf8').trim().split(/\s+/).includes(ctrl)) return null;
    }
    return `no cgroup2 mount offers the ${ctrl} controller (hybrid hosts keep it on v1; see the kernel matrix: npm run test:kernel-v2)`;
  }
  if (feature.startsWith('cgroup:any:')) {
    const ctrl = feature.slice(11);
    if (missing(`cgroup:v1:${ctrl}`) === null) return null;
    if (missing('cgroup:unified') === null && (ctrl === 'freezer' || missing(`cgroup:v2:${ctrl}`) === null))
      return null;
    return `no ${ctrl} controller: neither a v1 hierarchy nor a pure cgroup2 host offers it`;
  }
  if (feature.startsWith('cgroup:v1:')) {
    const ctrl = feature.slice(10);
    return cgroupMounts().some((m) => m.type === 'cgroup' && m.options.includes(ctrl))
      ? null
      : `no cgroup v1 hierarchy has the ${ctrl} controller`;
  }
  throw new Error(`testkit: unknown feature ${feature}`);
}

interface MountLine {
  readonly target: string;
  readonly type: string;
  readonly options: readonly string[];
}

function cgroupMounts(): MountLine[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f[2] === 'cgroup' || f[2] === 'cgroup2')
    .map((f) => ({ target: (f[1] ?? '').replace(/\\040/g, ' '), type: f[2] ?? '', options: (f[3] ?? '').split(',') }));
}

// Extra arguments some link kinds need before the kernel accepts them.
const LINK_ARGS: Record<string, string[]> = {
  veth: ['peer', 'name', 'ctkprobe1'],
  vxlan: ['id', '42', 'dstport', '4789'],
  vlan: ['link', 'lo', 'id', '42'],
  macvlan: ['link', 'lo'],
};

// Creates the link inside a throwaway network namespace (`unshare -n`), so the host's
// own namespace is never touched; the namespace vanishes with the process.
function probeLinkKind(kind: string): string | null {
  if (missing('root')) return `probing link kind ${kind} needs root`;
  if (!which('unshare') || !which('ip')) return 'unshare or ip is missing; cannot probe link kinds';
  const args = ['-n', 'ip', 'link', 'add', 'ctkprobe0', 'type', kind, ...(LINK_ARGS[kind] ?? [])];
  try {
    execFileSync('unshare', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return null;
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    return `kernel ${release()} cannot create ${kind} links (${stderr || 'ip link add failed'})`;
  }
}

function tryRun(cmd: string, args: string[]): boolean {
  if (!which(cmd)) return false;
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of an executable on PATH, or null. */
export function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  return null;
}
