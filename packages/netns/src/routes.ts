// `rt.routes`: RTM_*ROUTE operations on one namespace, plus `get` (the kernel's FIB lookup).
import { AF, NLM_F, type RouteScope, type RouteType, RT_TABLE, RTA, RTM } from './codec/constants.js';
import { parseAddress } from './codec/ip.js';
import { buildMessage } from './codec/message.js';
import {
  decodeRoute,
  encodeRouteAdd,
  encodeRouteDel,
  encodeRouteDump,
  encodeRouteReplace,
  type RouteRequest,
} from './codec/route-codec.js';
import type { NetlinkConnection } from './connection.js';
import type { LinkRef, Links } from './links.js';
import { type Route, toRoute } from './models.js';

export interface RouteOptions {
  /** `10.0.0.0/24`, `10.0.0.2` (a /32) or `default`. */
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: LinkRef;
  readonly scope?: RouteScope;
  readonly onlink?: boolean;
  readonly table?: number;
  readonly metric?: number;
  readonly src?: string;
  readonly type?: RouteType;
  readonly protocol?: number;
}

export interface RouteListOptions {
  /** A table id, or 'all'. @default 254 (main) */
  readonly table?: number | 'all';
  readonly family?: 'inet' | 'inet6';
  readonly dev?: LinkRef;
}

function describe(verb: string, o: RouteOptions): string {
  const w = [`ip route ${verb}`, o.type && o.type !== 'unicast' ? o.type : '', o.dst];
  if (o.gateway) w.push(`via ${o.gateway}`);
  if (o.dev !== undefined) w.push(`dev ${o.dev}`);
  if (o.scope) w.push(`scope ${o.scope}`);
  if (o.onlink) w.push('onlink');
  if (o.metric !== undefined) w.push(`metric ${o.metric}`);
  if (o.table !== undefined) w.push(`table ${o.table}`);
  return w.filter(Boolean).join(' ');
}

export class Routes {
  constructor(
    private readonly conn: NetlinkConnection,
    private readonly links: Links,
  ) {}

  // Numeric devs need no lookup, so the message is sent synchronously in call order
  // (topologies pipeline several requests on one socket).
  private request(opts: RouteOptions): RouteRequest | Promise<RouteRequest> {
    const { dev, ...rest } = opts;
    if (dev === undefined || typeof dev === 'number') return { ...rest, oif: dev };
    return this.links.index(dev).then((oif) => ({ ...rest, oif }));
  }

  private async send(verb: 'add' | 'replace' | 'del', opts: RouteOptions): Promise<void> {
    const encode = verb === 'add' ? encodeRouteAdd : verb === 'replace' ? encodeRouteReplace : encodeRouteDel;
    const req = this.request(opts);
    const msg = encode(req instanceof Promise ? await req : req);
    await this.conn.request(msg, { operation: describe(verb, opts) });
  }

  /** Equivalent to: `ip route show [table T] [dev X]`. */
  async list(opts: RouteListOptions = {}): Promise<Route[]> {
    const family = opts.family === 'inet6' ? AF.INET6 : AF.INET;
    const table = opts.table ?? RT_TABLE.MAIN;
    const index = opts.dev === undefined ? undefined : await this.links.index(opts.dev);
    const { messages } = await this.conn.dump(encodeRouteDump(family), { operation: 'ip route show' });
    return messages
      .map((m) => toRoute(decodeRoute(m)))
      .filter((r) => (table === 'all' || r.table === table) && (index === undefined || r.oif === index));
  }

  /** Equivalent to: `ip route add ...` (EEXIST when the route exists). */
  async add(opts: RouteOptions): Promise<void> {
    await this.send('add', opts);
  }

  /** Equivalent to: `ip route replace ...` (idempotent; what Calico's felix always uses). */
  async replace(opts: RouteOptions): Promise<void> {
    await this.send('replace', opts);
  }

  /** Equivalent to: `ip route del ...` (ESRCH when no route matches). */
  async del(opts: RouteOptions): Promise<void> {
    await this.send('del', opts);
  }

  /** Equivalent to: `ip route get ADDRESS`: the route the kernel would use. ENETUNREACH when none. */
  async get(address: string): Promise<Route> {
    const a = parseAddress(address, 'route get address');
    const msg = buildMessage(RTM.GETROUTE, NLM_F.REQUEST, (w) => {
      w.u8(a.family).u8(a.length).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
      w.attr(RTA.DST, a.bytes);
    });
    const [m] = await this.conn.request(msg, { operation: `ip route get ${address}` });
    if (!m) throw new Error('unreachable: RTM_GETROUTE resolved without a reply');
    return toRoute(decodeRoute(m));
  }
}
