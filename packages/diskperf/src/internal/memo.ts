// Per-object caches for derived data (fitted seek curves, layouts) that are costly to
// rebuild on every call; keyed weakly so dropped drives are collected.
export function memo<K extends object, V>(fn: (k: K) => V): (k: K) => V {
  const cache = new WeakMap<K, V>();
  return (k) => {
    let v = cache.get(k);
    if (v === undefined) {
      v = fn(k);
      cache.set(k, v);
    }
    return v;
  };
}
