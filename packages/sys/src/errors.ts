// The errors @ctrkit/sys throws. Syscall failures are SyscallError, shaped like Node's
// own SystemError (code = errno name, negative errno, syscall, path/dest) so code that
// already handles `err.code === 'ENOENT'` from node:fs handles ours the same way.
// Match on `code`; it is API and never renamed.
const BRAND = Symbol.for('ctrkit.error');

/** Base class of every error @ctrkit/sys creates (argument errors are Node's TypeError/RangeError). */
export class SysError extends Error {
  /** Stable machine-readable code: an errno name (`'ENOENT'`) or an `ERR_*` string. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get [BRAND](): true {
    return true;
  }
}
Object.defineProperty(SysError.prototype, 'name', { value: 'SysError', enumerable: false });

/** A failed system call. The addon constructs these; fields mirror Node's SystemError. */
export class SyscallError extends SysError {
  /** Negative errno, as Node reports it (`-2` for ENOENT). */
  readonly errno: number;
  readonly syscall: string;
  // `declare`: no own property at all when absent, as with Node's SystemError.
  declare readonly path?: string;
  declare readonly dest?: string;

  // The addon constructs these with every field in one call.
  constructor(message: string, code = 'EUNKNOWN', errno = 0, syscall = '', path?: string, dest?: string) {
    super(code, message);
    this.errno = errno;
    this.syscall = syscall;
    if (path !== undefined) this.path = path;
    if (dest !== undefined) this.dest = dest;
  }
}
Object.defineProperty(SyscallError.prototype, 'name', { value: 'SyscallError', enumerable: false });

/** Not on Linux, or the kernel lacks what the call needs. Code `ERR_UNSUPPORTED`. */
export class UnsupportedError extends SysError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_UNSUPPORTED', message, options);
  }
}
Object.defineProperty(UnsupportedError.prototype, 'name', { value: 'UnsupportedError', enumerable: false });

/** The compiled addon could not be found or loaded. Code `ERR_ADDON_LOAD`. */
export class AddonLoadError extends SysError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ADDON_LOAD', message, options);
  }
}
Object.defineProperty(AddonLoadError.prototype, 'name', { value: 'AddonLoadError', enumerable: false });

/**
 * The descriptor was closed (by us: `ERR_CLOSED`) or the peer hung up before sending
 * what was awaited (`ERR_PEER_CLOSED`).
 */
export class ClosedError extends SysError {
  constructor(code: 'ERR_CLOSED' | 'ERR_PEER_CLOSED', message: string) {
    super(code, message);
  }
}
Object.defineProperty(ClosedError.prototype, 'name', { value: 'ClosedError', enumerable: false });

/** True for any ctrkit error, also across duplicate installs of the package. */
export function isSysError(value: unknown): value is SysError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Every `ERR_*` code this package uses (errno names come from the kernel). */
export const ERROR_CODES = ['ERR_UNSUPPORTED', 'ERR_ADDON_LOAD', 'ERR_CLOSED', 'ERR_PEER_CLOSED'] as const;
