// One base class for every error @ctrkit/netns throws. Match on `code`, never on the
// message: codes are API (README "Errors"), only ever added, never renamed.
import { inspect } from 'node:util';

const BRAND = Symbol.for('ctrkit.error');

export type NetnsErrorCode =
  | 'ERR_NETLINK'
  | 'ERR_NETLINK_PROTOCOL'
  | 'ERR_NETLINK_TIMEOUT'
  | 'ERR_NETLINK_CLOSED'
  | 'ERR_DUMP_INTERRUPTED'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_LINK_NOT_FOUND'
  | 'ERR_NETNS_NOT_FOUND'
  | 'ERR_NOT_A_NETNS'
  | 'ERR_UNSUPPORTED'
  | 'ERR_PREFLIGHT'
  | 'ERR_IPAM_EXHAUSTED'
  | 'ERR_CNI_CONFIG'
  | 'ERR_IPAM_LOCKED';

/** Every code this package can throw, for exhaustive handling and the README's table. */
export const NETNS_ERROR_CODES: readonly NetnsErrorCode[] = [
  'ERR_NETLINK',
  'ERR_NETLINK_PROTOCOL',
  'ERR_NETLINK_TIMEOUT',
  'ERR_NETLINK_CLOSED',
  'ERR_DUMP_INTERRUPTED',
  'ERR_INVALID_ARGUMENT',
  'ERR_LINK_NOT_FOUND',
  'ERR_NETNS_NOT_FOUND',
  'ERR_NOT_A_NETNS',
  'ERR_UNSUPPORTED',
  'ERR_PREFLIGHT',
  'ERR_IPAM_EXHAUSTED',
  'ERR_CNI_CONFIG',
  'ERR_IPAM_LOCKED',
];

export class NetnsError extends Error {
  readonly code: NetnsErrorCode;
  constructor(code: NetnsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
  get [BRAND](): true {
    return true;
  }
}
Object.defineProperty(NetnsError.prototype, 'name', { value: 'NetnsError', enumerable: false });

/** The kernel answered a request with an error (`NLMSG_ERROR` with a negative errno). */
export class NetlinkError extends NetnsError {
  /** Positive errno, e.g. 17. */
  readonly errno: number;
  /** The kernel's name for it, e.g. 'EEXIST'. */
  readonly errnoName: string;
  /** The extended-ack text (`NLMSGERR_ATTR_MSG`), when the kernel sent one. */
  readonly kernelMessage: string | undefined;
  /** What we asked for, in iproute2 terms (`ip route add 10.0.0.0/24 dev eth0`). */
  readonly operation: string;
  constructor(errno: number, errnoName: string, operation: string, kernelMessage?: string) {
    const text = kernelMessage ? `: ${kernelMessage}` : '';
    super('ERR_NETLINK', `${errnoName} (errno ${errno}) from the kernel for "${operation}"${text}`);
    this.errno = errno;
    this.errnoName = errnoName;
    this.kernelMessage = kernelMessage;
    this.operation = operation;
  }
  [inspect.custom](): string {
    return `NetlinkError ${this.errnoName} "${this.operation}"${this.kernelMessage ? ` (${this.kernelMessage})` : ''}`;
  }
}
Object.defineProperty(NetlinkError.prototype, 'name', { value: 'NetlinkError', enumerable: false });

/** True for any ctrkit error, even from a duplicate install of this package. */
export function isNetnsError(e: unknown): e is NetnsError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** True when `e` is a kernel error with that errno name (e.g. 'ENODEV', 'EEXIST'). */
export function isNetlinkErrno(e: unknown, name: string): e is NetlinkError {
  return e instanceof NetlinkError && e.errnoName === name;
}

export function invalid(what: string, value: unknown, hint: string): NetnsError {
  return new NetnsError('ERR_INVALID_ARGUMENT', `invalid ${what} ${JSON.stringify(value)}: ${hint}`);
}
