// The exported conformance suite, run against both drivers with real mounts.
import { requires } from '@ctrkit/testkit';
import { describe, it } from 'vitest';
import { Snapshotter } from '../src/snapshots/snapshotter.js';
import { defineSnapshotterSuite } from '../src/testsuite/index.js';

const overlay = requires('root', 'fs:overlay');
describe.runIf(overlay.ok)('conformance: overlayfs driver', () => {
  defineSnapshotterSuite({ describe, it }, 'overlayfs', {
    open: (root) => Snapshotter.open(root, { driver: 'overlayfs' }),
  });
});

const native = requires('root');
describe.runIf(native.ok)('conformance: native driver', () => {
  defineSnapshotterSuite({ describe, it }, 'native', {
    open: (root) => Snapshotter.open(root, { driver: 'native' }),
  });
});
