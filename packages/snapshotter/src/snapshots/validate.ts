// Checks on what callers pass in, and the walk filter, kept apart from the store's logic.
import { SnapshotError } from './errors.js';
import type { SnapshotInfo, WalkFilter } from './types.js';

/** containerd caps one label (key + value) at 4 KiB. */
const LABEL_MAX = 4096;

export function checkKey(key: unknown, what = 'key'): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 4096 || key.includes('\0')) {
    throw new SnapshotError(
      'ERR_SNAPSHOT_INVALID_KEY',
      `snapshot ${what} ${JSON.stringify(key)} is invalid: use a non-empty string of at most 4096 characters without NUL`,
    );
  }
  return key;
}

export function checkLabels(labels: unknown, where: string): Record<string, string> {
  if (labels === undefined) return {};
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw new SnapshotError('ERR_SNAPSHOT_INVALID_LABELS', `labels of ${where} must be an object of strings`, {
      key: where,
    });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string' || k.length === 0) {
      throw new SnapshotError(
        'ERR_SNAPSHOT_INVALID_LABELS',
        `label ${JSON.stringify(k)} of ${where} must have a non-empty name and a string value`,
        { key: where },
      );
    }
    if (k.length + v.length > LABEL_MAX) {
      throw new SnapshotError(
        'ERR_SNAPSHOT_INVALID_LABELS',
        `label ${JSON.stringify(k.slice(0, 40))} of ${where} is ${k.length + v.length} bytes; the limit is ${LABEL_MAX}`,
        { key: where },
      );
    }
    out[k] = v;
  }
  return out;
}

/** True when `info` passes `filter` (all given fields must match). */
export function matches(info: SnapshotInfo, filter: WalkFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'function') return filter(info);
  if (filter.kind !== undefined) {
    const kinds = typeof filter.kind === 'string' ? [filter.kind] : filter.kind;
    if (!kinds.includes(info.kind)) return false;
  }
  if (filter.parent !== undefined && (info.parent ?? null) !== filter.parent) return false;
  if (filter.name !== undefined) {
    if (typeof filter.name === 'string' ? info.name !== filter.name : !filter.name.test(info.name)) return false;
  }
  if (filter.labels !== undefined) {
    for (const [k, v] of Object.entries(filter.labels)) {
      const have = info.labels[k];
      if (have === undefined || (v !== true && have !== v)) return false;
    }
  }
  return true;
}
