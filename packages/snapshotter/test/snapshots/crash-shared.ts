// What the crash-test parent and its child agree on.
import type { Mount } from '../../src/snapshots/types.js';

/** Files each committed snapshot of the `commit` child holds. */
export const FILES = 12;

/** The directory a writer fills for an Active snapshot, without mounting (a killed child must not leak mounts). */
export function writableDir(mounts: readonly Mount[]): string {
  const m = mounts[0]!;
  if (m.type === 'bind') return m.source;
  return m.options.find((o) => o.startsWith('upperdir='))!.slice('upperdir='.length);
}
