// Errors of @ctrkit/oci-image. Match on `code`: codes are API, only ever added, never renamed.
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

/** Every code this package throws, with its category. */
export const ErrorCodes = {
  ERR_INVALID_DIGEST: 'invalid-argument',
  ERR_DIGEST_MISMATCH: 'failed-precondition',
  ERR_SIZE_MISMATCH: 'failed-precondition',
  ERR_INVALID_DESCRIPTOR: 'invalid-argument',
  ERR_INVALID_MANIFEST: 'invalid-argument',
  ERR_INVALID_INDEX: 'invalid-argument',
  ERR_INVALID_CONFIG: 'invalid-argument',
  ERR_SCHEMA1_UNSUPPORTED: 'not-implemented',
  ERR_UNSUPPORTED_MEDIA_TYPE: 'not-implemented',
  ERR_DOCUMENT_TOO_LARGE: 'invalid-argument',
  ERR_LAYER_COUNT_MISMATCH: 'failed-precondition',
  ERR_INVALID_PLATFORM: 'invalid-argument',
  ERR_NO_MATCHING_MANIFEST: 'not-found',
  ERR_INVALID_REFERENCE: 'invalid-argument',
  ERR_INVALID_ARGUMENT: 'invalid-argument',
  ERR_NOT_FOUND: 'not-found',
  ERR_ALREADY_EXISTS: 'already-exists',
  ERR_LOCKED: 'unavailable',
  ERR_INVALID_LAYOUT: 'invalid-argument',
  ERR_INVALID_ARCHIVE: 'invalid-argument',
  ERR_ARCHIVE_PATH_ESCAPE: 'invalid-argument',
  ERR_REGISTRY: 'unavailable',
  ERR_REGISTRY_UNAUTHORIZED: 'permission-denied',
  ERR_REGISTRY_ACCEPT_TRAP: 'failed-precondition',
  ERR_ABORTED: 'aborted',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ErrorCodes;

/** The base class of every error this package throws. */
export class OciImageError extends Error {
  /** A stable identifier such as `ERR_DIGEST_MISMATCH`; match on this, not on the message. */
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  /** For document errors: the JSON path of the offending field (`layers[2].digest`). */
  readonly path?: string;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; path?: string }) {
    super(`${code}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = ErrorCodes[code];
    if (options?.path !== undefined) this.path = options.path;
  }
  get [BRAND](): true {
    return true;
  }
}
Object.defineProperty(OciImageError.prototype, 'name', { value: 'OciImageError', enumerable: false });

/** True for any ctrkit error, across duplicate installs of the package. */
export function isCtrkitError(err: unknown): err is Error & { code: string } {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

/** True when `err` means "absent": our ERR_NOT_FOUND or a Node ENOENT. */
export function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ERR_NOT_FOUND' || code === 'ENOENT';
}

/** True when `err` means "already there": our ERR_ALREADY_EXISTS or a Node EEXIST. */
export function isAlreadyExists(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ERR_ALREADY_EXISTS' || code === 'EEXIST';
}

/** The error to throw when `signal` fired: its reason if it is an Error, else ERR_ABORTED. */
export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new OciImageError('ERR_ABORTED', `operation aborted${r ? `: ${String(r)}` : ''}`);
}
