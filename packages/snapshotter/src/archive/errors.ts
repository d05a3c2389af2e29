// Errors of the archive half (apply and diff). Each code is API: match on `code`.
import { SnapshotterError } from '../errors.js';

/** The layer is not a valid tar (bad checksum, truncated, bad number, bad device range...). */
export class InvalidLayerError extends SnapshotterError {
  /** The entry the problem was found at, when there is one. */
  readonly entry: string | undefined;
  constructor(message: string, entry?: string, options?: { cause?: unknown }) {
    super(
      'ERR_INVALID_LAYER',
      'invalid-argument',
      entry === undefined ? message : `${message} (entry ${JSON.stringify(entry)})`,
      options,
    );
    this.entry = entry;
  }
}
Object.defineProperty(InvalidLayerError.prototype, 'name', { value: 'InvalidLayerError', enumerable: false });

/** A whiteout whose name is empty, `.`, `..` or otherwise meaningless (`.wh.`, `.wh..`, `.wh...`). */
export class InvalidWhiteoutError extends SnapshotterError {
  readonly entry: string;
  constructor(entry: string) {
    super(
      'ERR_INVALID_WHITEOUT',
      'invalid-argument',
      `invalid whiteout entry ${JSON.stringify(entry)}: the name after ".wh." must be a real file name; the layer is corrupt or hostile`,
    );
    this.entry = entry;
  }
}
Object.defineProperty(InvalidWhiteoutError.prototype, 'name', { value: 'InvalidWhiteoutError', enumerable: false });

/**
 * An entry tried something that clamping cannot make safe: replacing the root with a
 * non-directory, or hardlinking to a target that does not exist inside the root.
 */
export class LayerPathEscapeError extends SnapshotterError {
  readonly entry: string;
  constructor(entry: string, why: string, options?: { cause?: unknown }) {
    super('ERR_LAYER_PATH_ESCAPE', 'permission-denied', `entry ${JSON.stringify(entry)}: ${why}`, options);
    this.entry = entry;
  }
}
Object.defineProperty(LayerPathEscapeError.prototype, 'name', { value: 'LayerPathEscapeError', enumerable: false });

/** A file system operation failed while applying or diffing; `cause` is the system error. */
export class LayerIoError extends SnapshotterError {
  readonly path: string;
  constructor(path: string, what: string, cause: unknown) {
    const c = cause as { code?: string; message?: string };
    super('ERR_LAYER_IO', 'internal', `${what} ${JSON.stringify(path)} failed: ${c?.message ?? String(cause)}`, {
      cause,
    });
    this.path = path;
  }
}
Object.defineProperty(LayerIoError.prototype, 'name', { value: 'LayerIoError', enumerable: false });

/** The machine lacks what the call needs (not Linux, no @ctrkit/sys addon, no openat2). */
export class ArchiveUnsupportedError extends SnapshotterError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('ERR_UNSUPPORTED', 'not-implemented', what, options);
  }
}
Object.defineProperty(ArchiveUnsupportedError.prototype, 'name', {
  value: 'ArchiveUnsupportedError',
  enumerable: false,
});

/** Every code the archive half throws; API, only ever added to (see the README errors table). */
export const ARCHIVE_ERROR_CODES = [
  'ERR_INVALID_LAYER',
  'ERR_INVALID_WHITEOUT',
  'ERR_LAYER_PATH_ESCAPE',
  'ERR_LAYER_IO',
  'ERR_UNSUPPORTED',
] as const;
