// v1 ↔ v2 value conversions, with the formulas the anchors use (golden tables in
// shared/reference/cgroups.md §5 and test/vectors/conversions.json).
import { CgroupError } from './errors.js';
import type { SharesPolicy } from './types.js';

const MIN_SHARES = 2;
const MAX_SHARES = 262144;
const MAX_WEIGHT = 10000;

/**
 * cpu.shares (v1, 2..262144) → cpu.weight (v2, 1..10000). 0 means unset and stays 0.
 * - `quadratic` (default): the 2025 curve that maps 2→1, 1024→100, 262144→10000
 *   (runc ≥ 1.3.2, crun ≥ 1.23, containerd/cgroups ≥ 3.1).
 * - `linear`: the older `1 + (s−2)·9999/262142` (1024 → 39).
 * - `systemd`: systemd's `s·100/1024`, clamped to 1..10000.
 * @throws ERR_CGROUP_INVALID_VALUE for a negative or fractional value or an unknown policy.
 * @example
 * sharesToWeight(1024); // 100
 * sharesToWeight(1024, 'linear'); // 39
 */
export function sharesToWeight(shares: number, policy: SharesPolicy = 'quadratic'): number {
  if (!Number.isInteger(shares) || shares < 0) {
    throw new CgroupError(
      'ERR_CGROUP_INVALID_VALUE',
      'invalid-argument',
      `cpu.shares must be a non-negative integer, got ${shares}`,
    );
  }
  if (shares === 0) return 0;
  switch (policy) {
    case 'quadratic': {
      if (shares <= MIN_SHARES) return 1;
      if (shares >= MAX_SHARES) return MAX_WEIGHT;
      const l = Math.log2(shares);
      return Math.ceil(10 ** ((l * l + 125 * l) / 612 - 7 / 34));
    }
    case 'linear': {
      const s = Math.min(Math.max(shares, MIN_SHARES), MAX_SHARES);
      return 1 + Math.floor(((s - 2) * 9999) / 262142);
    }
    case 'systemd':
      return Math.min(Math.max(Math.floor((shares * 100) / 1024), 1), MAX_WEIGHT);
    default:
      throw new CgroupError(
        'ERR_CGROUP_INVALID_VALUE',
        'invalid-argument',
        `unknown shares policy ${JSON.stringify(policy)}; use 'quadratic', 'linear' or 'systemd'`,
      );
  }
}

/**
 * blkio.weight (10..1000) → io.weight (1..10000): `1 + (w−10)·9999/990`. Use it only for
 * `io.weight`; `io.bfq.weight` takes the blkio weight unchanged (as runc and crun do).
 */
export function blkioWeightToIoWeight(weight: number): number {
  if (weight === 0) return 0;
  if (!Number.isInteger(weight) || weight < 10 || weight > 1000) {
    throw new CgroupError(
      'ERR_CGROUP_INVALID_VALUE',
      'invalid-argument',
      `blockIO weight must be an integer in 10..1000, got ${weight}`,
    );
  }
  return 1 + Math.floor(((weight - 10) * 9999) / 990);
}

/**
 * runtime-spec memory.swap is memory+swap (v1 semantics); v2's memory.swap.max is swap
 * alone. Returns the v2 value (-1 = max, 0 = no swap), as runc's
 * ConvertMemorySwapToCgroupV2Value does; undefined when swap is not set.
 */
export function memorySwapToV2(swap: number | undefined, limit: number | undefined): number | undefined {
  if (swap === undefined) return limit === -1 ? -1 : undefined;
  const mem = limit ?? 0;
  if (mem === -1 && swap === 0) return -1;
  if (swap === -1 || swap === 0) return swap;
  if (mem === -1) return swap;
  if (mem === 0) {
    throw new CgroupError(
      'ERR_CGROUP_INVALID_VALUE',
      'invalid-argument',
      `memory.swap ${swap} needs memory.limit too: swap is memory+swap, so set limit (or use -1 for both)`,
    );
  }
  if (mem < 0) {
    throw new CgroupError(
      'ERR_CGROUP_INVALID_VALUE',
      'invalid-argument',
      `memory.limit ${mem} is invalid; use -1 or bytes`,
    );
  }
  if (swap < mem) {
    throw new CgroupError(
      'ERR_CGROUP_INVALID_VALUE',
      'invalid-argument',
      `memory.swap (${swap}) is memory+swap and must be >= memory.limit (${mem})`,
    );
  }
  return swap - mem;
}

/** A v2 byte or count value: -1 → "max", 0 → undefined (unset), else the decimal. */
export function numToV2(n: number | undefined): string | undefined {
  if (n === undefined || n === 0) return undefined;
  if (n === -1) return 'max';
  return String(n);
}

/** quota/period (µs) → the `cpu.max` line; undefined when neither is set. */
export function cpuMax(quota: number | undefined, period: number | undefined): string | undefined {
  if (!quota && !period) return undefined;
  const q = quota !== undefined && quota > 0 ? String(quota) : 'max';
  return period ? `${q} ${period}` : q;
}

/** Parses a `cpu.max` line back into quota (-1 = max) and period. */
export function parseCpuMax(line: string): { quota: number; period: number } {
  const [q = 'max', p = '100000'] = line.trim().split(/\s+/);
  return { quota: q === 'max' ? -1 : Number(q), period: Number(p) };
}

/** pids.limit → the pids.max value: 0 → "1" (as runc does, so cgroupfs and systemd agree), < 0 → "max". */
export function pidsMax(limit: number): string {
  if (!Number.isInteger(limit)) {
    throw new CgroupError(
      'ERR_CGROUP_INVALID_VALUE',
      'invalid-argument',
      `pids.limit must be an integer, got ${limit}`,
    );
  }
  if (limit < 0) return 'max';
  if (limit === 0) return '1';
  return String(limit);
}

/** `hugepages-2048kB` / `2048kB` → `2MB`, `1048576kB` → `1GB` (the cgroup file spelling). */
export function hugePageSizeName(kb: number): string {
  const units = ['KB', 'MB', 'GB', 'TB'];
  let size = kb;
  let unit = 0;
  while (size >= 1024 && size % 1024 === 0 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size}${units[unit]}`;
}
