// Errors of @ctrkit/snapshotter. Match on `code`: codes are API and only ever added.
const BRAND = Symbol.for('ctrkit.error');

export type ErrorKind =
  | 'not-found'
  | 'already-exists'
  | 'invalid-argument'
  | 'failed-precondition'
  | 'permission-denied'
  | 'unavailable'
  | 'not-implemented'
  | 'aborted'
  | 'internal';

/** The base class of every error this package throws. */
export class SnapshotterError extends Error {
  /** A stable identifier such as `ERR_INVALID_LAYER`; match on this, not on the message. */
  readonly code: string;
  readonly kind: ErrorKind;
  constructor(code: string, kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.kind = kind;
  }
  get [BRAND](): true {
    return true;
  }
}
Object.defineProperty(SnapshotterError.prototype, 'name', { value: 'SnapshotterError', enumerable: false });

/** True for any ctrkit error, across duplicate installs of the package. */
export function isCtrkitError(err: unknown): err is Error & { code: string } {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}
