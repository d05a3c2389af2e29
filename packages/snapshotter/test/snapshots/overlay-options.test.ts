import { describe, expect, it } from 'vitest';
import { storeLayout } from '../../src/snapshots/driver.js';
import { SnapshotError } from '../../src/snapshots/errors.js';
import { nativeMounts } from '../../src/snapshots/native-driver.js';
import { overlayMounts } from '../../src/snapshots/overlay-driver.js';
import {
  commonDirectory,
  MOUNT_DATA_MAX,
  mountData,
  planOverlayMount,
  relativeOptions,
} from '../../src/snapshots/overlay-options.js';

const layout = storeLayout('/var/lib/ctrkit/snap');

describe('overlay mounts (containerd overlay snapshotter shapes)', () => {
  it('an Active snapshot without parents is a writable bind of its own fs', () => {
    expect(overlayMounts({ id: 7, kind: 'Active', parents: [], layout })).toEqual([
      { type: 'bind', source: '/var/lib/ctrkit/snap/snapshots/7/fs', options: ['rbind', 'rw'] },
    ]);
  });

  it('a View of a single layer is a read-only bind of that layer', () => {
    expect(overlayMounts({ id: 9, kind: 'View', parents: [3], layout })).toEqual([
      { type: 'bind', source: '/var/lib/ctrkit/snap/snapshots/3/fs', options: ['rbind', 'ro'] },
    ]);
  });

  it('an Active snapshot overlays its parents, nearest first, through short l/ links', () => {
    const [m] = overlayMounts({ id: 40, kind: 'Active', parents: [39, 2, 1], layout });
    expect(m).toEqual({
      type: 'overlay',
      source: 'overlay',
      options: [
        'index=off',
        'workdir=/var/lib/ctrkit/snap/snapshots/40/work',
        'upperdir=/var/lib/ctrkit/snap/snapshots/40/fs',
        'lowerdir=/var/lib/ctrkit/snap/l/13:/var/lib/ctrkit/snap/l/2:/var/lib/ctrkit/snap/l/1',
      ],
    });
  });

  it('a View of several layers is a read-only overlay without upperdir', () => {
    const [m] = overlayMounts({ id: 5, kind: 'View', parents: [4, 3], layout }, { userxattr: true });
    expect(m?.options).toEqual([
      'index=off',
      'userxattr',
      'ro',
      'lowerdir=/var/lib/ctrkit/snap/l/4:/var/lib/ctrkit/snap/l/3',
    ]);
  });

  it('native snapshots are bind mounts of their own copy', () => {
    expect(nativeMounts({ id: 2, kind: 'View', parents: [1], layout })[0]?.options).toEqual(['rbind', 'ro']);
    expect(nativeMounts({ id: 2, kind: 'Active', parents: [1], layout })[0]?.source).toBe(
      '/var/lib/ctrkit/snap/snapshots/2/fs',
    );
  });
});

describe('overlay option budget', () => {
  const chain = (n: number, root = '/tmp/ctrkit-conf-abcdef/store') =>
    overlayMounts({
      id: n + 1,
      kind: 'Active',
      parents: Array.from({ length: n }, (_, i) => n - i),
      layout: storeLayout(root),
    })[0]!.options;

  it('keeps a short chain absolute', () => {
    const plan = planOverlayMount(chain(3));
    expect(plan.cwd).toBeUndefined();
    expect(plan.data).toBe(mountData(chain(3)));
  });

  it('switches 128 layers to names relative to the store root, under one page', () => {
    const opts = chain(128);
    expect(mountData(opts).length).toBeGreaterThan(MOUNT_DATA_MAX);
    const plan = planOverlayMount(opts);
    expect(plan.cwd).toBe('/tmp/ctrkit-conf-abcdef/store');
    expect(plan.data.length).toBeLessThanOrEqual(MOUNT_DATA_MAX);
    expect(plan.data).toContain('upperdir=snapshots/129/fs');
    expect(plan.data).toMatch(/lowerdir=l\/3k:l\/3j:.*:l\/1$/);
  });

  it('refuses a chain that cannot fit even with short names', () => {
    let err: unknown;
    try {
      planOverlayMount(chain(1000));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SnapshotError);
    expect((err as SnapshotError).code).toBe('ERR_MOUNT_OPTIONS_TOO_LONG');
    expect((err as SnapshotError).message).toMatch(/1000 lower layers/);
  });

  it('finds the common directory and never makes a path empty', () => {
    expect(commonDirectory(['lowerdir=/a/b/c:/a/b/d', 'upperdir=/a/x'])).toBe('/a');
    expect(commonDirectory(['lowerdir=/a/b'])).toBe('/a');
    expect(relativeOptions(['index=off', 'lowerdir=/a/b/c:/a/d', 'workdir=/a/w'], '/a')).toEqual([
      'index=off',
      'lowerdir=b/c:d',
      'workdir=w',
    ]);
  });
});
