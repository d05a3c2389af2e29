// `rt.addresses`: RTM_*ADDR operations on one namespace.
import {
  decodeAddress,
  encodeAddressAdd,
  encodeAddressDel,
  encodeAddressDump,
  encodeAddressReplace,
} from './codec/addr-codec.js';
import { AF, type RouteScope } from './codec/constants.js';
import type { NetlinkConnection } from './connection.js';
import type { LinkRef, Links } from './links.js';
import { type Address, toAddress } from './models.js';

export interface AddressOptions {
  readonly dev: LinkRef;
  /** `10.0.0.2/32`; a bare address is a host prefix. */
  readonly address: string;
  readonly peer?: string;
  readonly scope?: RouteScope;
  /** Also set the broadcast address (`brd +`). */
  readonly broadcast?: boolean;
  readonly label?: string;
}

export interface AddressListOptions {
  readonly dev?: LinkRef;
  /** 'inet' or 'inet6'; both by default. */
  readonly family?: 'inet' | 'inet6';
}

export class Addresses {
  constructor(
    private readonly conn: NetlinkConnection,
    private readonly links: Links,
  ) {}

  /** Equivalent to: `ip addr show [dev X]`. */
  async list(opts: AddressListOptions = {}): Promise<Address[]> {
    const family = opts.family === 'inet' ? AF.INET : opts.family === 'inet6' ? AF.INET6 : AF.UNSPEC;
    const index =
      opts.dev === undefined ? undefined : typeof opts.dev === 'number' ? opts.dev : await this.links.index(opts.dev);
    const { messages } = await this.conn.dump(encodeAddressDump(family), { operation: 'ip addr show' });
    return messages.map((m) => toAddress(decodeAddress(m))).filter((a) => index === undefined || a.index === index);
  }

  /** Equivalent to: `ip addr add ADDRESS [peer P] dev X` (EEXIST when already assigned). */
  async add(opts: AddressOptions): Promise<void> {
    const index = typeof opts.dev === 'number' ? opts.dev : await this.links.index(opts.dev);
    await this.conn.request(encodeAddressAdd({ ...opts, index }), {
      operation: `ip addr add ${opts.address} dev ${opts.dev}`,
    });
  }

  /** Equivalent to: `ip addr replace ADDRESS dev X` (idempotent). */
  async replace(opts: AddressOptions): Promise<void> {
    const index = typeof opts.dev === 'number' ? opts.dev : await this.links.index(opts.dev);
    await this.conn.request(encodeAddressReplace({ ...opts, index }), {
      operation: `ip addr replace ${opts.address} dev ${opts.dev}`,
    });
  }

  /** Equivalent to: `ip addr del ADDRESS dev X`. */
  async del(opts: AddressOptions): Promise<void> {
    const index = typeof opts.dev === 'number' ? opts.dev : await this.links.index(opts.dev);
    await this.conn.request(encodeAddressDel({ ...opts, index }), {
      operation: `ip addr del ${opts.address} dev ${opts.dev}`,
    });
  }
}
