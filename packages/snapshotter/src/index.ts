// Public entry point of @ctrkit/snapshotter: re-exports only.
export { type ErrorKind, isCtrkitError, SnapshotterError } from './errors.js';
// -- archive: layer apply and diff (src/archive/)
// -- snapshots: the snapshot store, drivers, mounts and image unpack (src/snapshots/)
export { SNAPSHOT_ERROR_CODES, SnapshotError, type SnapshotErrorCode } from './snapshots/errors.js';
export { mountAll, parseMountOptions, unmountAll } from './snapshots/mount.js';
export { MOUNT_DATA_MAX } from './snapshots/overlay-options.js';
export { type CleanupReport, Snapshotter, type SnapshotterOpenOptions } from './snapshots/snapshotter.js';
export type {
  CommitOptions,
  DriverName,
  Mount,
  SnapshotInfo,
  SnapshotKind,
  SnapshotOptions,
  SnapshotUsage,
  WalkFilter,
} from './snapshots/types.js';
export {
  DIFF_ID_LABEL,
  LAYER_DIGEST_LABEL,
  type UnpackContentProvider,
  type UnpackedLayer,
  type UnpackOptions,
  type UnpackProgress,
  type UnpackResult,
  unpackImage,
} from './snapshots/unpack.js';
