// `rt.neighbours`: RTM_*NEIGH operations (the ARP / NDP table) on one namespace.
import { AF, type NeighbourState } from './codec/constants.js';
import { decodeNeighbour, encodeNeighbourAdd, encodeNeighbourDel, encodeNeighbourDump } from './codec/neigh-codec.js';
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
}
