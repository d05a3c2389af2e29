// Overlay mount option strings and their length budget. mount(2) copies at most one page
// of option data, so a long lowerdir list fails with a confusing EINVAL (moby#26380 at
// ~122 layers). We measure the string up front and, like docker's `l/` directory, use
// short link names relative to the store's root when the absolute form does not fit.
import { SnapshotError } from './errors.js';

/** The most option bytes mount(2) accepts: one 4 KiB page including the trailing NUL. */
export const MOUNT_DATA_MAX = 4095;

const PATH_KEYS = ['lowerdir=', 'upperdir=', 'workdir='] as const;

/** Characters overlayfs treats as separators in its options; we refuse them in store paths. */
export const OVERLAY_UNSAFE_PATH = /[,:\\\n]/;

/** The options joined the way mount(2) receives them. */
export function mountData(options: readonly string[]): string {
  return options.join(',');
}

/** The longest directory that contains every path the overlay options name. */
export function commonDirectory(options: readonly string[]): string {
  const paths = overlayPaths(options);
  if (paths.length === 0) return '/';
  let common = paths[0]!.split('/');
  for (const p of paths.slice(1)) {
    const parts = p.split('/');
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  // If the prefix is itself one of the paths, its relative form would be empty: go up one.
  if (paths.includes(common.join('/'))) common = common.slice(0, -1);
  const dir = common.join('/');
  return dir === '' ? '/' : dir;
}

/**
 * Rewrites the overlay path options relative to `dir` (which must contain all of them),
 * for a mount performed with `dir` as the working directory.
 */
export function relativeOptions(options: readonly string[], dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const rel = (p: string): string => {
    if (!p.startsWith(prefix)) throw new Error(`internal: ${p} is not under ${dir}`);
    return p.slice(prefix.length);
  };
  return options.map((opt) => {
    const key = PATH_KEYS.find((k) => opt.startsWith(k));
    if (!key) return opt;
    const value = opt.slice(key.length);
    const mapped = key === 'lowerdir=' ? value.split(':').map(rel).join(':') : rel(value);
    return key + mapped;
  });
}

/** How to pass overlay options: as they are, or relative to a working directory. */
export interface OverlayPlan {
  readonly data: string;
  /** When set, mount(2) must run with this working directory. */
  readonly cwd?: string;
}

/** Chooses the absolute form if it fits in a page, else the relative one; throws if neither does. */
export function planOverlayMount(options: readonly string[]): OverlayPlan {
  const data = mountData(options);
  if (data.length <= MOUNT_DATA_MAX) return { data };
  const cwd = commonDirectory(options);
  const rel = mountData(relativeOptions(options, cwd));
  if (rel.length <= MOUNT_DATA_MAX) return { data: rel, cwd };
  const layers = lowerCount(options);
  throw new SnapshotError(
    'ERR_MOUNT_OPTIONS_TOO_LONG',
    `the overlay options for ${layers} lower layers take ${rel.length} bytes even with short relative names, ` +
      `over the ${MOUNT_DATA_MAX}-byte limit of mount(2); squash the image into fewer layers`,
  );
}

function overlayPaths(options: readonly string[]): string[] {
  const out: string[] = [];
  for (const opt of options) {
    const key = PATH_KEYS.find((k) => opt.startsWith(k));
    if (!key) continue;
    const value = opt.slice(key.length);
    if (key === 'lowerdir=') out.push(...value.split(':'));
    else out.push(value);
  }
  return out;
}

function lowerCount(options: readonly string[]): number {
  const lower = options.find((o) => o.startsWith('lowerdir='));
  return lower ? lower.slice('lowerdir='.length).split(':').length : 0;
}
