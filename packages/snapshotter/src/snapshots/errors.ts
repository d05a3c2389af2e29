// Errors of the snapshot store, its drivers, mounts and image unpack. Match on `code`.
import { type ErrorKind, SnapshotterError } from '../errors.js';

/** The snapshot store's error: one class, with a stable `code` per condition. */
export class SnapshotError extends SnapshotterError {
  /** The snapshot key (or chainID) the error is about, when there is one. */
  readonly key: string | undefined;
  constructor(code: SnapshotErrorCode, message: string, options?: { key?: string; cause?: unknown }) {
    super(code, KIND[code], message, options);
    this.key = options?.key;
  }
}
Object.defineProperty(SnapshotError.prototype, 'name', { value: 'SnapshotError', enumerable: false });

/** Every code a SnapshotError can carry, with its category. Codes are only ever added. */
const KIND = {
  ERR_SNAPSHOT_NOT_FOUND: 'not-found',
  ERR_SNAPSHOT_EXISTS: 'already-exists',
  ERR_SNAPSHOT_INVALID_KEY: 'invalid-argument',
  ERR_SNAPSHOT_PARENT_NOT_COMMITTED: 'failed-precondition',
  ERR_SNAPSHOT_WRONG_KIND: 'failed-precondition',
  ERR_SNAPSHOT_HAS_CHILDREN: 'failed-precondition',
  ERR_SNAPSHOT_INVALID_LABELS: 'invalid-argument',
  ERR_SNAPSHOT_STORE_LOCKED: 'unavailable',
  ERR_SNAPSHOT_STORE_CORRUPT: 'internal',
  ERR_SNAPSHOT_STORE_CLOSED: 'failed-precondition',
  ERR_SNAPSHOT_INVALID_OPTION: 'invalid-argument',
  ERR_MOUNT_OPTIONS_TOO_LONG: 'failed-precondition',
  ERR_MOUNT_FAILED: 'internal',
  ERR_INVALID_MOUNT: 'invalid-argument',
  ERR_UNPACK_INVALID_IMAGE: 'invalid-argument',
  ERR_UNPACK_DIGEST_MISMATCH: 'failed-precondition',
  ERR_UNPACK_BLOB_MISSING: 'not-found',
  ERR_UNSUPPORTED: 'not-implemented',
} as const satisfies Record<string, ErrorKind>;

export type SnapshotErrorCode = keyof typeof KIND;

/** The codes SnapshotError can carry (for docs and for the README's errors table test). */
export const SNAPSHOT_ERROR_CODES: readonly SnapshotErrorCode[] = Object.keys(KIND) as SnapshotErrorCode[];

export function notFound(key: string, what = 'snapshot'): SnapshotError {
  return new SnapshotError(
    'ERR_SNAPSHOT_NOT_FOUND',
    `${what} ${JSON.stringify(key)} does not exist; check the key with walk()`,
    {
      key,
    },
  );
}
