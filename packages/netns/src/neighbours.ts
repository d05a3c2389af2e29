// `rt.neighbours`: RTM_*NEIGH operations (the ARP / NDP table) on one namespace.
import { AF, type NeighbourState } from './codec/constants.js';
import { decodeNeighbour, encodeNeighbourAdd, encodeNeighbourDel, encodeNeighbourDump } from './codec/neigh-codec.js';
import { encodeNeighTableChange, type NeighTableParms } from './codec/ntable-codec.js';
import type { NetlinkConnection } from './connection.js';
import type { LinkRef, Links } from './links.js';
import { type Neighbour, toNeighbour } from './models.js';

export interface NeighbourOptions {
  readonly dev: LinkRef;
  readonly address: string;
  readonly lladdr?: string;
  /** @default 'permanent' */
  readonly state?: NeighbourState;
}

export class Neighbours {
  constructor(
    private readonly conn: NetlinkConnection,
    private readonly links: Links,
  ) {}

  /** Equivalent to: `ip neigh show [dev X]`. */
  async list(opts: { dev?: LinkRef; family?: 'inet' | 'inet6' } = {}): Promise<Neighbour[]> {
    const family = opts.family === 'inet' ? AF.INET : opts.family === 'inet6' ? AF.INET6 : AF.UNSPEC;
    const index =
      opts.dev === undefined ? undefined : typeof opts.dev === 'number' ? opts.dev : await this.links.index(opts.dev);
    const { messages } = await this.conn.dump(encodeNeighbourDump(family), { operation: 'ip neigh show' });
    return messages.map((m) => toNeighbour(decodeNeighbour(m))).filter((n) => index === undefined || n.index === index);
  }

  /** Equivalent to: `ip neigh add ADDRESS lladdr MAC dev X nud STATE`. */
  async add(opts: NeighbourOptions): Promise<void> {
    const index = typeof opts.dev === 'number' ? opts.dev : await this.links.index(opts.dev);
    await this.conn.request(encodeNeighbourAdd({ ...opts, index }), {
      operation: `ip neigh add ${opts.address} lladdr ${opts.lladdr ?? '-'} dev ${opts.dev}`,
    });
  }

  /** Equivalent to: `ip neigh del ADDRESS dev X`. */
  async del(opts: NeighbourOptions): Promise<void> {
    const index = typeof opts.dev === 'number' ? opts.dev : await this.links.index(opts.dev);
    await this.conn.request(encodeNeighbourDel({ ...opts, index }), {
      operation: `ip neigh del ${opts.address} dev ${opts.dev}`,
    });
  }

  /**
   * Equivalent to: `ip ntable change name arp_cache dev X proxy_delay 0 ...` — the per-device
   * values behind net.ipv4.neigh.<dev>.*, over rtnetlink (times in milliseconds).
   */
  async setParms(
    dev: LinkRef,
    parms: NeighTableParms,
    opts: { readonly table?: 'arp_cache' | 'ndisc_cache' } = {},
  ): Promise<void> {
    const index = typeof dev === 'number' ? dev : await this.links.index(dev);
    const table = opts.table ?? 'arp_cache';
    const words = Object.entries(parms)
      .map(([k, v]) => `${k} ${v}`)
      .join(' ');
    await this.conn.request(encodeNeighTableChange({ table, index, parms }), {
      operation: `ip ntable change name ${table} dev ${dev} ${words}`,
    });
  }
}
