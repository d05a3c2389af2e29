// What a storage driver contributes to the store: how a snapshot's directory is filled
// when it is created, and which mounts expose it. Metadata, locking and the directory
// life cycle (staging, rename into place, removal) belong to the Snapshotter.
import { join } from 'node:path';
import type { DriverName, Mount, SnapshotKind } from './types.js';

/** The directories of one store root. */
export interface StoreLayout {
  readonly root: string;
  /** `<root>/snapshots/<id>`: one directory per snapshot, named by its numeric id. */
  snapshotDir(id: number): string;
  /** `<root>/snapshots/<id>/fs`: the snapshot's files (the overlay upperdir). */
  fsDir(id: number): string;
  /** `<root>/l/<short>`: overlay's short symlink to a snapshot's `fs`. */
  linkPath(id: number): string;
}

export function storeLayout(root: string): StoreLayout {
  return {
    root,
    snapshotDir: (id) => join(root, 'snapshots', String(id)),
    fsDir: (id) => join(root, 'snapshots', String(id), 'fs'),
    linkPath: (id) => join(root, 'l', shortName(id)),
  };
}

/** A short, stable name for a snapshot id: base 36 keeps 128 lowerdirs near 1 KiB. */
export function shortName(id: number): string {
  return id.toString(36);
}

export interface CreateContext {
  readonly kind: 'Active' | 'View';
  /** Ids of the parent chain, nearest parent first. */
  readonly parents: readonly number[];
  readonly layout: StoreLayout;
  readonly signal?: AbortSignal;
}

export interface MountContext {
  readonly id: number;
  readonly kind: SnapshotKind;
  readonly parents: readonly number[];
  readonly layout: StoreLayout;
}

export interface SnapshotDriver {
  readonly name: DriverName;
  /** Fills a staging directory (later renamed to `snapshots/<id>`) for a new snapshot. */
  create(staging: string, ctx: CreateContext): Promise<void>;
  /** Called once the snapshot's directory is in place (e.g. to add a short link). */
  placed(id: number, layout: StoreLayout): Promise<void>;
  /** Called before the snapshot's directory is removed. */
  removing(id: number, layout: StoreLayout): Promise<void>;
  /** The mounts that expose an Active or View snapshot. */
  mounts(ctx: MountContext): Mount[];
}
