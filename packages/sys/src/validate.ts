// Argument checks done in JS before anything crosses into native code. The errors
// carry Node's own codes so callers can treat them like node:fs argument errors.

class InvalidArgTypeError extends TypeError {
  readonly code = 'ERR_INVALID_ARG_TYPE';
}
class InvalidArgValueError extends TypeError {
  readonly code = 'ERR_INVALID_ARG_VALUE';
}
class OutOfRangeError extends RangeError {
  readonly code = 'ERR_OUT_OF_RANGE';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'function';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return `type ${typeof value} (${String(value).slice(0, 40)})`;
}

export function typeError(name: string, expected: string, value: unknown): TypeError {
  return new InvalidArgTypeError(`The "${name}" argument must be ${expected}. Received ${describe(value)}`);
}

export function valueError(name: string, value: unknown, reason: string): TypeError {
  return new InvalidArgValueError(`The argument '${name}' ${reason}. Received ${JSON.stringify(value)}`);
}

export function rangeError(name: string, range: string, value: unknown): RangeError {
  return new OutOfRangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`);
}

/** A path-like string: no NUL byte (the kernel would silently truncate at it). */
export function checkPath(name: string, value: unknown, allowEmpty = false): string {
  if (typeof value !== 'string') throw typeError(name, 'of type string', value);
  if (!allowEmpty && value.length === 0) throw valueError(name, value, 'must be a non-empty string');
  if (value.includes('\0')) throw valueError(name, value, 'must be a string without null bytes');
  return value;
}

export function checkInt(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') throw typeError(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw rangeError(name, `an integer >= ${min} and <= ${max}`, value);
  }
  return value;
}

export const checkFd = (name: string, value: unknown): number => checkInt(name, value, 0, 0x7fffffff);
/** A directory fd for the *at calls: a real fd or AT_FDCWD (-100). */
export const checkDirFd = (name: string, value: unknown): number =>
  value === -100 ? -100 : checkInt(name, value, 0, 0x7fffffff);
export const checkFlags = (name: string, value: unknown): number => checkInt(name, value, 0, 0xffffffff);
export const checkMode = (name: string, value: unknown): number => checkInt(name, value, 0, 0xffffffff);

export function checkBytes(name: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw typeError(name, 'an instance of Uint8Array or Buffer', value);
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw typeError(name, 'of type boolean', value);
  return value;
}

export function checkSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw typeError(name, 'an instance of AbortSignal', value);
  return value;
}
