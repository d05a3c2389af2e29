// Reading the metadata document: records by key, parent chains, and the public info view.
import { notFound, SnapshotError } from './errors.js';
import type { MetadataDocument, SnapshotRecord } from './metadata-store.js';
import type { SnapshotInfo } from './types.js';

/** Checks that `key` is free and `parent` is Committed; returns the parent chain's ids. */
export function checkNew(doc: MetadataDocument, key: string, parent: string | undefined): number[] {
  if (doc.snapshots[key]) throw exists(key);
  if (parent === undefined) return [];
  const p = doc.snapshots[parent];
  if (!p) throw notFound(parent, 'parent snapshot');
  if (p.kind !== 'Committed') {
    throw new SnapshotError(
      'ERR_SNAPSHOT_PARENT_NOT_COMMITTED',
      `parent ${JSON.stringify(parent)} is ${p.kind}; only a Committed snapshot can be a parent — commit it first`,
      { key: parent },
    );
  }
  return chain(doc, parent);
}

/** Ids of `parent` and its ancestors, nearest first. */
export function chain(doc: MetadataDocument, parent: string | undefined): number[] {
  const ids: number[] = [];
  const seen = new Set<string>();
  while (parent !== undefined) {
    const rec = doc.snapshots[parent];
    if (!rec || seen.has(parent)) {
      throw new SnapshotError('ERR_SNAPSHOT_STORE_CORRUPT', `the parent chain is broken at ${JSON.stringify(parent)}`, {
        key: parent,
      });
    }
    seen.add(parent);
    ids.push(rec.id);
    parent = rec.parent;
  }
  return ids;
}

export function getRecord(doc: MetadataDocument, key: string): SnapshotRecord {
  const rec = doc.snapshots[key];
  if (!rec) throw notFound(key);
  return rec;
}

export function exists(key: string): SnapshotError {
  return new SnapshotError('ERR_SNAPSHOT_EXISTS', `snapshot ${JSON.stringify(key)} already exists; pick another key`, {
    key,
  });
}

export function toInfo(name: string, rec: SnapshotRecord): SnapshotInfo {
  const info: SnapshotInfo = {
    kind: rec.kind,
    name,
    ...(rec.parent !== undefined ? { parent: rec.parent } : {}),
    labels: { ...rec.labels },
    created: new Date(rec.created),
    updated: new Date(rec.updated),
  };
  return info;
}
