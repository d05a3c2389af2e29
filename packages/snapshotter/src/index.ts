// Public entry point of @ctrkit/snapshotter: re-exports only.

// -- archive: layer apply and diff (src/archive/)
export { type ApplyOptions, type ApplyProgress, ApplyResult, applyLayer } from './archive/apply-layer.js';
export { type DiffOptions, diffOverlayUpper, diffTrees } from './archive/diff-trees.js';
export {
  ARCHIVE_ERROR_CODES,
  ArchiveUnsupportedError,
  InvalidLayerError,
  InvalidWhiteoutError,
  LayerIoError,
  LayerPathEscapeError,
} from './archive/errors.js';
export {
  type Compression,
  detectCompression,
  LayerDecoder,
  type LayerDigests,
  type LayerSource,
} from './archive/layer-decode.js';
export { classifyEntry, cleanPath, type LayerEvent, OPAQUE_MARKER, WHITEOUT_PREFIX } from './archive/layer-events.js';
export { type DiffCompression, type LayerDigest, LayerStream } from './archive/layer-stream.js';
export type { MtimePrecision } from './archive/layer-writer.js';
export type { EntryType, TarHeader, Timestamp } from './archive/tar-header.js';
export { type TarHandler, TarParser } from './archive/tar-parser.js';
export { END_OF_ARCHIVE, encodeHeader, padding, type WriteHeader } from './archive/tar-writer.js';
export { type TreeEntry, walkTree } from './archive/tree-walk.js';
export { type ErrorKind, isCtrkitError, SnapshotterError } from './errors.js';
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
