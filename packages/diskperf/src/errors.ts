// One base class for every error @ctrkit/diskperf throws. Match on `code`, never on the
// message: codes are API (listed in the README) and are only ever added, never renamed.

const brand = Symbol.for('ctrkit.error');

/** Stable error codes thrown by this package. */
export const diskperfErrorCodes = [
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_OUT_OF_RANGE',
  'ERR_UNSTABLE_QUEUE',
  'ERR_SEEK_CURVE_INFEASIBLE',
  'ERR_UNKNOWN_DRIVE',
  'ERR_DEVICE_NOT_FOUND',
  'ERR_DISKSTATS_PARSE',
  'ERR_UNSUPPORTED',
  'ERR_PROBE_IO',
  'ERR_FIO',
  'ERR_FIT_INSUFFICIENT',
] as const;

export type DiskperfErrorCode = (typeof diskperfErrorCodes)[number];

/** The base class of all diskperf errors: carries a stable `code` and, when wrapping, `cause`. */
export class DiskperfError extends Error {
  readonly code: DiskperfErrorCode;

  constructor(code: DiskperfErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get [brand](): true {
    return true;
  }
}
Object.defineProperty(DiskperfError.prototype, 'name', { value: 'DiskperfError', enumerable: false });

/** True for any ctrkit error, even from a duplicate install of this package. */
export function isDiskperfError(e: unknown): e is DiskperfError {
  return (
    e instanceof DiskperfError ||
    (typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true)
  );
}

/** Throws ERR_INVALID_ARG_VALUE/ERR_OUT_OF_RANGE unless `v` is a finite number in [min, max]. */
export function checkNumber(
  name: string,
  v: unknown,
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
): number {
  if (typeof v !== 'number') {
    throw new DiskperfError('ERR_INVALID_ARG_TYPE', `"${name}" must be a number, got ${typeof v}`);
  }
  if (!Number.isFinite(v)) {
    throw new DiskperfError('ERR_INVALID_ARG_VALUE', `"${name}" must be finite, got ${v}`);
  }
  if (v < min || v > max) {
    throw new DiskperfError('ERR_OUT_OF_RANGE', `"${name}" must be in [${min}, ${max}], got ${v}`);
  }
  return v;
}

/** Like checkNumber, and the value must also be a whole number. */
export function checkInteger(name: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  checkNumber(name, v, min, max);
  if (!Number.isInteger(v)) {
    throw new DiskperfError('ERR_INVALID_ARG_VALUE', `"${name}" must be an integer, got ${v}`);
  }
  return v as number;
}

/** Throws ERR_INVALID_ARG_VALUE unless `v` is one of `allowed`. */
export function checkOneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new DiskperfError(
      'ERR_INVALID_ARG_VALUE',
      `"${name}" must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}`,
    );
  }
  return v as T;
}
