// Errors of @ctrkit/runtime. Match on `code`: codes are API and only ever added.
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

/** Every code this package throws (snapshot-tested; only ever added to). */
export const RUNTIME_ERROR_CODES = [
  'ERR_INVALID_SPEC',
  'ERR_INVALID_ARGUMENT',
  'ERR_USER_NOT_FOUND',
  'ERR_BUNDLE_EXISTS',
  'ERR_BUNDLE_NOT_FOUND',
  'ERR_RUNTIME',
  'ERR_CONTAINER_NOT_FOUND',
  'ERR_CONTAINER_NOT_RUNNING',
  'ERR_CONTAINER_EXISTS',
  'ERR_RUNTIME_NOT_FOUND',
  'ERR_UNSUPPORTED',
] as const;

export type RuntimeErrorCode = (typeof RUNTIME_ERROR_CODES)[number];

/** The base class of every error this package throws. */
export class RuntimeError extends Error {
  /** A stable identifier such as `ERR_INVALID_SPEC`; match on this, not on the message. */
  readonly code: RuntimeErrorCode;
  readonly kind: ErrorKind;
  constructor(code: RuntimeErrorCode, kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.kind = kind;
  }
  get [BRAND](): true {
    return true;
  }
}
Object.defineProperty(RuntimeError.prototype, 'name', { value: 'RuntimeError', enumerable: false });

/** A spec (or spec option) that would be rejected by the runtime; `field` names the JSON path. */
export class InvalidSpecError extends RuntimeError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('ERR_INVALID_SPEC', 'invalid-argument', `invalid spec: ${field}: ${message}`);
    this.field = field;
  }
}

/**
 * The OCI runtime binary itself failed (not the container). `message` is runc's own last
 * error from its JSON log; `runtimeMessage` keeps it verbatim, `exitCode` is runc's status.
 */
export class RuncError extends RuntimeError {
  readonly runtimeMessage: string;
  readonly command: string;
  readonly exitCode: number | null;
  constructor(
    code: 'ERR_RUNTIME' | 'ERR_CONTAINER_NOT_FOUND' | 'ERR_CONTAINER_NOT_RUNNING' | 'ERR_CONTAINER_EXISTS',
    command: string,
    runtimeMessage: string,
    exitCode: number | null,
  ) {
    const kind: ErrorKind =
      code === 'ERR_CONTAINER_NOT_FOUND'
        ? 'not-found'
        : code === 'ERR_CONTAINER_EXISTS'
          ? 'already-exists'
          : code === 'ERR_CONTAINER_NOT_RUNNING'
            ? 'failed-precondition'
            : 'internal';
    super(code, kind, `${command} failed (exit ${exitCode ?? 'signal'}): ${runtimeMessage}`);
    this.runtimeMessage = runtimeMessage;
    this.command = command;
    this.exitCode = exitCode;
  }
}

/** True for any ctrkit error, across duplicate installs of the package. */
export function isCtrkitError(err: unknown): err is Error & { code: string } {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}
