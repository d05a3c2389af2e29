// Public entry point of @ctrkit/snapshotter: re-exports only.
export { type ErrorKind, isCtrkitError, SnapshotterError } from './errors.js';
// -- archive: layer apply and diff (src/archive/)
// -- snapshots: the snapshot store, drivers, mounts and image unpack (src/snapshots/)
