// Which cgroup layout the host runs: legacy (v1 only), hybrid (v1 controllers plus a
// cgroup2 mount, often at /sys/fs/cgroup/unified) or unified (pure v2). Read from
// /proc/self/mounts, which also says which controllers each v1 hierarchy holds (cpu and
// cpuacct are separate hierarchies on some hosts); for an injected fake root that is
// not a mount, the directory layout is read instead, so tests need no privileges.
import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CgroupError } from './errors.js';
import { childDirs, exists, readOptional } from './internal/fsio.js';
import { parseWordList } from './parse.js';

/** The v1 controllers the kernel knows (named hierarchies such as name=systemd hold none). */
export const V1_CONTROLLERS: readonly string[] = [
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'devices',
  'freezer',
  'net_cls',
  'net_prio',
  'blkio',
  'perf_event',
  'hugetlb',
  'pids',
  'rdma',
  'misc',
  'debug',
];

export type CgroupMode = 'legacy' | 'hybrid' | 'unified';

export interface V1Hierarchy {
  /** The mount point, e.g. /sys/fs/cgroup/memory. */
  readonly dir: string;
  readonly controllers: readonly string[];
}

export interface CgroupLayout {
  readonly mode: CgroupMode;
  /** The root passed in (absolute). */
  readonly root: string;
  /** Every v1 hierarchy that holds controllers (empty when unified). */
  readonly v1: readonly V1Hierarchy[];
  /** The cgroup2 mount and the controllers its root offers, if any. */
  readonly v2?: { readonly dir: string; readonly controllers: readonly string[] };
}

export interface DetectOptions {
  /** The text of /proc/self/mounts (injectable for tests). @default read from /proc */
  readonly mounts?: string;
}

const cache = new Map<string, CgroupLayout>();

/**
 * Detects the cgroup layout under `root`. Cached per root unless `mounts` is given.
 * @throws ERR_UNSUPPORTED when no cgroup filesystem is found under root.
 * @example
 * detectMode().mode; // 'hybrid' on a host with v1 controllers and /sys/fs/cgroup/unified
 */
export function detectMode(root = '/sys/fs/cgroup', options: DetectOptions = {}): CgroupLayout {
  const abs = resolve(root);
  if (options.mounts === undefined) {
    const hit = cache.get(abs);
    if (hit) return hit;
  }
  const layout = fromMounts(abs, options.mounts ?? readMounts()) ?? fromDirectories(abs);
  if (!layout) {
    throw new CgroupError(
      'ERR_UNSUPPORTED',
      'unavailable',
      `no cgroup filesystem is mounted under ${abs}: mount cgroup2 there (or the v1 hierarchies), or pass the right root`,
    );
  }
  if (options.mounts === undefined) cache.set(abs, layout);
  return layout;
}

function readMounts(): string {
  try {
    return readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return '';
  }
}

function modeOf(v1: readonly V1Hierarchy[], v2: CgroupLayout['v2'], root: string): CgroupMode | undefined {
  if (v2 && v2.dir === root) return 'unified';
  if (v1.length > 0) return v2 ? 'hybrid' : 'legacy';
  return v2 ? 'unified' : undefined;
}

function fromMounts(root: string, mounts: string): CgroupLayout | undefined {
  const v1: V1Hierarchy[] = [];
  let v2: CgroupLayout['v2'];
  for (const line of mounts.split('\n')) {
    const [, rawTarget = '', type, opts = ''] = line.split(' ');
    if (type !== 'cgroup' && type !== 'cgroup2') continue;
    const target = rawTarget.replace(/\\040/g, ' ');
    if (target !== root && !target.startsWith(`${root}/`)) continue;
    if (type === 'cgroup2') {
      v2 = { dir: target, controllers: parseWordList(readOptional(join(target, 'cgroup.controllers')) ?? '') };
    } else {
      const controllers = opts.split(',').filter((o) => V1_CONTROLLERS.includes(o));
      if (controllers.length > 0) v1.push({ dir: target, controllers });
    }
  }
  const mode = modeOf(v1, v2, root);
  if (!mode) return undefined;
  return v2 ? { mode, root, v1, v2 } : { mode, root, v1 };
}

function fromDirectories(root: string): CgroupLayout | undefined {
  if (exists(join(root, 'cgroup.controllers'))) {
    const controllers = parseWordList(readOptional(join(root, 'cgroup.controllers')) ?? '');
    return { mode: 'unified', root, v1: [], v2: { dir: root, controllers } };
  }
  const v1: V1Hierarchy[] = [];
  const seen = new Set<string>();
  let v2: CgroupLayout['v2'];
  for (const name of childDirs(root).sort()) {
    const dir = join(root, name);
    const real = safeRealpath(dir);
    if (seen.has(real)) continue;
    seen.add(real);
    if (exists(join(dir, 'cgroup.controllers'))) {
      v2 = { dir, controllers: parseWordList(readOptional(join(dir, 'cgroup.controllers')) ?? '') };
    } else if (exists(join(dir, 'cgroup.procs'))) {
      const controllers = name.split(',').filter((c) => V1_CONTROLLERS.includes(c));
      if (controllers.length > 0) v1.push({ dir, controllers });
    }
  }
  const mode = modeOf(v1, v2, root);
  if (!mode) return undefined;
  return v2 ? { mode, root, v1, v2 } : { mode, root, v1 };
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
