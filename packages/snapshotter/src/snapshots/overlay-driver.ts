// The overlayfs driver, as containerd's: each snapshot owns an upperdir (`fs`) and a
// `work` dir; an Active snapshot with parents is an overlay of its parents' `fs` dirs
// (nearest first) under its own `fs`. Lowerdirs are named through `l/<short>` links.
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateContext, MountContext, SnapshotDriver, StoreLayout } from './driver.js';
import { shortName } from './driver.js';
import { planOverlayMount } from './overlay-options.js';
import type { Mount } from './types.js';

export interface OverlayDriverOptions {
  /** Mount with `userxattr` (rootless overlay; whiteouts use `user.overlay.*`). @default false */
  readonly userxattr?: boolean;
}

export function overlayDriver(opts: OverlayDriverOptions = {}): SnapshotDriver {
  return {
    name: 'overlayfs',
    async create(staging: string, ctx: CreateContext) {
      await mkdir(join(staging, 'fs'), { mode: 0o755 });
      if (ctx.kind === 'Active') await mkdir(join(staging, 'work'), { mode: 0o711 });
      // Refuse now, not at mount time, a chain whose options cannot fit in a page (a large
      // placeholder id stands in for the id the snapshot will get).
      const probe = overlayMounts({ id: 2 ** 40, kind: ctx.kind, parents: ctx.parents, layout: ctx.layout }, opts);
      for (const m of probe) if (m.type === 'overlay') planOverlayMount(m.options);
    },
    async placed(id: number, layout: StoreLayout) {
      await mkdir(join(layout.root, 'l'), { recursive: true });
      await rm(layout.linkPath(id), { force: true });
      await symlink(join('..', 'snapshots', String(id), 'fs'), layout.linkPath(id));
    },
    async removing(id: number, layout: StoreLayout) {
      await rm(layout.linkPath(id), { force: true });
    },
    mounts: (ctx) => overlayMounts(ctx, opts),
  };
}

/** The mounts containerd's overlay snapshotter would return for this snapshot. */
export function overlayMounts(ctx: MountContext, opts: OverlayDriverOptions = {}): Mount[] {
  const { id, kind, parents, layout } = ctx;
  if (parents.length === 0) {
    // Nothing to overlay: the snapshot's own directory, writable unless it is a View.
    return [{ type: 'bind', source: layout.fsDir(id), options: ['rbind', kind === 'Active' ? 'rw' : 'ro'] }];
  }
  if (kind === 'View' && parents.length === 1) {
    // One read-only layer: a bind mount is cheaper and has no option-length limit.
    return [{ type: 'bind', source: layout.fsDir(parents[0]!), options: ['rbind', 'ro'] }];
  }
  const lower = `lowerdir=${parents.map((p) => join(layout.root, 'l', shortName(p))).join(':')}`;
  const options = ['index=off'];
  if (opts.userxattr) options.push('userxattr');
  if (kind === 'Active') {
    options.push(`workdir=${join(layout.snapshotDir(id), 'work')}`, `upperdir=${layout.fsDir(id)}`);
  } else {
    options.push('ro');
  }
  options.push(lower);
  return [{ type: 'overlay', source: 'overlay', options }];
}
