// The native driver, as containerd's: every snapshot is a complete directory tree. A new
// snapshot starts as a full copy of its parent (reflinked where the filesystem allows),
// so whiteouts are applied by deletion and the mount is a plain bind mount.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { copyTree } from './copy-tree.js';
import type { CreateContext, MountContext, SnapshotDriver } from './driver.js';
import type { Mount } from './types.js';

export function nativeDriver(): SnapshotDriver {
  return {
    name: 'native',
    async create(staging: string, ctx: CreateContext) {
      const fs = join(staging, 'fs');
      await mkdir(fs, { mode: 0o755 });
      const parent = ctx.parents[0];
      if (parent !== undefined) await copyTree(ctx.layout.fsDir(parent), fs, { signal: ctx.signal });
    },
    async placed() {},
    async removing() {},
    mounts: nativeMounts,
  };
}

/** A bind mount of the snapshot's own copy: writable for Active, read-only for View. */
export function nativeMounts(ctx: MountContext): Mount[] {
  return [{ type: 'bind', source: ctx.layout.fsDir(ctx.id), options: ['rbind', ctx.kind === 'Active' ? 'rw' : 'ro'] }];
}
