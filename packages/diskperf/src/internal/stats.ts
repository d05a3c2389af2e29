// Order statistics shared by the simulator and the probe.

/** Nearest-rank percentile of an ascending array (p in 0…100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  return sorted[rankOf(n, p) - 1] as number;
}

function rankOf(n: number, p: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
}

/**
 * Nearest-rank percentiles without a full sort: quickselect partitions `a` (which it
 * reorders) so each requested rank lands in place — O(n) per percentile, against
 * O(n log n) for sorting a million simulated latencies.
 */
export function percentiles(a: Float64Array, ps: readonly number[]): number[] {
  const n = a.length;
  if (n === 0) return ps.map(() => Number.NaN);
  const order = ps.map((p, i) => ({ k: rankOf(n, p) - 1, i })).sort((x, y) => x.k - y.k);
  const out = new Array<number>(ps.length);
  let lo = 0;
  for (const { k, i } of order) {
    select(a, lo, n - 1, k);
    out[i] = a[k] as number;
    lo = k; // everything right of k is ≥ a[k]
  }
  return out;
}

function select(a: Float64Array, left: number, right: number, k: number): void {
  let l = left;
  let r = right;
  while (r > l) {
    // median of three as the pivot keeps sorted and constant inputs linear
    const m = (l + r) >> 1;
    const x = a[l] as number;
    const y = a[m] as number;
    const z = a[r] as number;
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z)); // median of x, y, z
    let i = l;
    let j = r;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}
