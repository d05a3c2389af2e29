// Where one cgroup lives: its directory in each v1 hierarchy and in the cgroup2 mount,
// and which version serves each controller (on a hybrid host a controller is on v1 if a
// v1 hierarchy holds it, else on v2 if the cgroup2 root offers it, e.g. hugetlb here).
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { CgroupError } from '../errors.js';
import type { CgroupLayout, CgroupMode } from '../mode.js';
import { parseProcCgroup } from '../parse.js';

export interface Placement {
  /** The cgroup path, e.g. `/ctrkit/job1` ("/" is the root cgroup). */
  readonly path: string;
  readonly layout: CgroupLayout;
  /** The effective mode for this cgroup (a hybrid host can be used as legacy). */
  readonly mode: CgroupMode;
  /** controller → directory in its v1 hierarchy (co-mounted controllers share one). */
  readonly v1: ReadonlyMap<string, string>;
  /** The distinct v1 directories, in hierarchy order. */
  readonly v1Dirs: readonly string[];
  /** The directory in the cgroup2 hierarchy, when one is used. */
  readonly v2?: string;
  /** Controllers served by v2 (all of the v2 root's controllers in unified mode). */
  readonly v2Controllers: readonly string[];
}

export interface PlacementOptions {
  readonly mode?: CgroupMode;
  /** v1 controllers whose hierarchies to use. @default every mounted one */
  readonly controllers?: readonly string[];
}

/** Validates a cgroup path: absolute, normalised, no `.`/`..` segments, no NUL. */
export function checkPath(path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/') || /[\0\n]/.test(path)) {
    throw new CgroupError(
      'ERR_CGROUP_INVALID_PATH',
      'invalid-argument',
      `cgroup path must be an absolute string like "/ctrkit/job1", got ${JSON.stringify(path)}`,
    );
  }
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (posix.normalize(trimmed) !== trimmed || trimmed.split('/').some((s) => s === '.' || s === '..')) {
    throw new CgroupError(
      'ERR_CGROUP_INVALID_PATH',
      'invalid-argument',
      `cgroup path ${JSON.stringify(path)} is not normalised (no "..", "." or "//"); it must stay under the cgroup mount`,
    );
  }
  return trimmed;
}

/** Validates a child name: one path segment. */
export function checkName(name: unknown): string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\0\n]/.test(name)) {
    throw new CgroupError(
      'ERR_CGROUP_INVALID_PATH',
      'invalid-argument',
      `child cgroup name must be one path segment without "/", got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

export function place(path: string, layout: CgroupLayout, options: PlacementOptions = {}): Placement {
  const mode = options.mode ?? layout.mode;
  // A hybrid host can be used as legacy (ignore its cgroup2 mount) or as unified (only
  // the cgroup2 mount: procs, freeze, kill, events and whatever controllers it holds).
  if (mode !== layout.mode && layout.mode !== 'hybrid') {
    throw new CgroupError(
      'ERR_UNSUPPORTED',
      'unavailable',
      `mode ${mode} was asked for but ${layout.root} runs cgroups in ${layout.mode} mode (only a hybrid host can be used as legacy or unified)`,
    );
  }
  const rel = path === '/' ? '' : path.slice(1);
  const v1 = new Map<string, string>();
  const v1Dirs: string[] = [];
  if (mode !== 'unified') {
    for (const h of layout.v1) {
      const wanted = options.controllers
        ? h.controllers.filter((c) => options.controllers?.includes(c))
        : h.controllers;
      if (wanted.length === 0) continue;
      const dir = rel ? join(h.dir, rel) : h.dir;
      v1Dirs.push(dir);
      for (const c of wanted) v1.set(c, dir);
    }
    const unknown = options.controllers?.filter((c) => !v1.has(c) && !layout.v2?.controllers.includes(c));
    if (unknown && unknown.length > 0) {
      throw new CgroupError(
        'ERR_UNSUPPORTED',
        'unavailable',
        `controllers ${unknown.join(', ')} are not mounted under ${layout.root}; available: ${[...layout.v1.flatMap((h) => h.controllers), ...(layout.v2?.controllers ?? [])].join(', ')}`,
      );
    }
  }
  const useV2 = layout.v2 !== undefined && mode !== 'legacy';
  const v2 = useV2 && layout.v2 ? (rel ? join(layout.v2.dir, rel) : layout.v2.dir) : undefined;
  const v2Controllers = useV2 ? (layout.v2?.controllers ?? []).filter((c) => !v1.has(c)) : [];
  return v2 === undefined
    ? { path, layout, mode, v1, v1Dirs, v2Controllers }
    : { path, layout, mode, v1, v1Dirs, v2, v2Controllers };
}

/** Which version and directory serve `controller` for this cgroup, if any. */
export function serve(p: Placement, controller: string): { version: 1 | 2; dir: string } | undefined {
  const d1 = p.v1.get(controller);
  if (d1) return { version: 1, dir: d1 };
  if (p.v2 && p.v2Controllers.includes(controller)) return { version: 2, dir: p.v2 };
  return undefined;
}

/** Every directory of the cgroup (v1 hierarchies, then v2). */
export function allDirs(p: Placement): string[] {
  return p.v2 ? [...p.v1Dirs, p.v2] : [...p.v1Dirs];
}

let own: ReturnType<typeof parseProcCgroup> | undefined;

/**
 * Refuses to change the root cgroup or any cgroup that holds the calling process (its
 * own cgroup or an ancestor of it): freezing or killing those would stop the caller.
 */
export function refuseOwn(p: Placement, what: string): void {
  if (p.path === '/') {
    throw new CgroupError('ERR_CGROUP_OWN', 'failed-precondition', `refusing to ${what} the root cgroup`);
  }
  own ??= parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8'));
  for (const entry of own) {
    const mine = entry.path === '/' ? '/' : `${entry.path}/`;
    const relevant = entry.controllers.length === 0 ? p.v2 !== undefined : entry.controllers.some((c) => p.v1.has(c));
    if (relevant && (mine.startsWith(`${p.path}/`) || entry.path === p.path)) {
      throw new CgroupError(
        'ERR_CGROUP_OWN',
        'failed-precondition',
        `refusing to ${what} ${p.path}: it contains this process (pid ${process.pid}, in ${entry.path}); move it out first`,
      );
    }
  }
}
