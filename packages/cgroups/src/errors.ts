// Errors of @ctrkit/cgroups. Match on `code`: codes are API and are only ever added.
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

/** Every error code this package throws (the README's errors table lists them all). */
export const ERROR_CODES = [
  'ERR_CGROUP_NOT_FOUND',
  'ERR_CGROUP_INVALID_VALUE',
  'ERR_CGROUP_INVALID_PATH',
  'ERR_CGROUP_BUSY',
  'ERR_CGROUP_BELOW_USAGE',
  'ERR_CGROUP_CPUSET_EMPTY',
  'ERR_CGROUP_INTERNAL_PROCESS',
  'ERR_CGROUP_THREADED',
  'ERR_CGROUP_NO_PROCESS',
  'ERR_CGROUP_PERMISSION',
  'ERR_CGROUP_PARTIAL_SET',
  'ERR_CGROUP_TIMEOUT',
  'ERR_CGROUP_OWN',
  'ERR_CGROUP_IO',
  'ERR_UNSUPPORTED',
] as const;

export type CgroupErrorCode = (typeof ERROR_CODES)[number];

/** The base class of every error this package throws. */
export class CgroupError extends Error {
  /** A stable identifier such as `ERR_CGROUP_NOT_FOUND`; match on this, not on the message. */
  readonly code: CgroupErrorCode;
  readonly kind: ErrorKind;
  /** The control file or directory involved, when there is one. */
  readonly path?: string;
  /** The errno name the kernel answered with (`EINVAL`, `EBUSY`, ...), when there is one. */
  readonly errno?: string;
  constructor(
    code: CgroupErrorCode,
    kind: ErrorKind,
    message: string,
    options: { cause?: unknown; path?: string; errno?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = kind;
    if (options.path !== undefined) this.path = options.path;
    if (options.errno !== undefined) this.errno = options.errno;
  }
  get [BRAND](): true {
    return true;
  }
}
Object.defineProperty(CgroupError.prototype, 'name', { value: 'CgroupError', enumerable: false });

/** One write of a `set()` call: the file and the exact value written. */
export interface AppliedWrite {
  readonly file: string;
  readonly value: string;
}

/**
 * A `set()` that failed part-way: `applied` lists the writes that reached the kernel
 * before `cause` stopped it (the kernel keeps them; call `set()` again with the old
 * values to undo, or delete the cgroup).
 */
export class PartialSetError extends CgroupError {
  readonly applied: readonly AppliedWrite[];
  constructor(applied: readonly AppliedWrite[], cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const done = applied.length === 0 ? 'no write' : applied.map((w) => `${w.file}=${w.value}`).join(', ');
    super(
      'ERR_CGROUP_PARTIAL_SET',
      'failed-precondition',
      `set() stopped part-way: ${why}. Already applied: ${done}. Fix the value and call set() again.`,
      {
        cause,
        ...(cause instanceof CgroupError && cause.path !== undefined ? { path: cause.path } : {}),
        ...(cause instanceof CgroupError && cause.errno !== undefined ? { errno: cause.errno } : {}),
      },
    );
    this.applied = applied;
  }
}
Object.defineProperty(PartialSetError.prototype, 'name', { value: 'PartialSetError', enumerable: false });

/** True for any ctrkit error, across duplicate installs of the package. */
export function isCtrkitError(err: unknown): err is Error & { code: string } {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}
