// `Rtnetlink.open({ netns })`: one NETLINK_ROUTE socket opened inside a namespace by
// @ctrkit/sys (on a throw-away native thread), with links/addresses/routes/neighbours.
import { inspect } from 'node:util';
import { Addresses } from './addresses.js';
import type { Message } from './codec/message.js';
import { type ConnectionOptions, type DumpResult, NetlinkConnection, type RequestOptions } from './connection.js';
import { loadSys, type NsRef } from './internal/sys.js';
import { Links } from './links.js';
import { Neighbours } from './neighbours.js';
import { Netns } from './netns.js';
import { Routes } from './routes.js';
import type { NetlinkTransport } from './transport.js';

export interface RtnetlinkOptions extends ConnectionOptions {
  /** The namespace to operate on: a Netns, a name under /run/netns, a path, or an fd. @default the caller's */
  readonly netns?: Netns | string | number;
}

function nsRef(ns: Netns | string | number | undefined): NsRef | undefined {
  if (ns === undefined) return undefined;
  if (ns instanceof Netns) return ns.path;
  if (typeof ns === 'string' && !ns.includes('/')) return `/run/netns/${ns}`;
  return ns;
}

export class Rtnetlink {
  readonly connection: NetlinkConnection;
  readonly links: Links;
  readonly addresses: Addresses;
  readonly routes: Routes;
  readonly neighbours: Neighbours;
  /** The namespace this connection's socket lives in (undefined: the caller's). */
  readonly netns: NsRef | undefined;

  private constructor(transport: NetlinkTransport, netns: NsRef | undefined, opts: ConnectionOptions) {
    this.connection = new NetlinkConnection(transport, opts);
    this.netns = netns;
    this.links = new Links(this.connection, netns);
    this.addresses = new Addresses(this.connection, this.links);
    this.routes = new Routes(this.connection, this.links);
    this.neighbours = new Neighbours(this.connection, this.links);
  }

  /**
   * Opens a NETLINK_ROUTE socket inside `netns` (or the caller's namespace). The socket is
   * made on a dedicated native thread that this one waits for (35-70 µs): a round trip
   * through the libuv pool would add 0.02-0.15 ms (bench/src/sys-namespace.bench.ts).
   */
  static async open(opts: RtnetlinkOptions = {}): Promise<Rtnetlink> {
    const sys = await loadSys();
    const ref = nsRef(opts.netns);
    const sock = sys.openNetlinkSocketSync(sys.NETLINK.ROUTE, ref === undefined ? {} : { netns: ref });
    return new Rtnetlink(sock, ref, opts);
  }

  /** Wraps an already-open transport (a NETLINK_ROUTE socket, or a recorded kernel in tests). */
  static fromTransport(transport: NetlinkTransport, opts: RtnetlinkOptions = {}): Rtnetlink {
    return new Rtnetlink(transport, nsRef(opts.netns), opts);
  }

  /** Sends a raw request built with the codec; resolves with the replies before the ACK. */
  request(msg: Buffer, opts?: RequestOptions): Promise<Message[]> {
    return this.connection.request(msg, opts);
  }

  /**
   * Sends the requests `fn` starts synchronously in one datagram (see NetlinkConnection.batch):
   * `const [a, b] = rt.batch(() => [rt.links.set(7, { up: true }), rt.routes.add({ dst, dev: 7 })])`.
   */
  batch<T>(fn: () => T): T {
    return this.connection.batch(fn);
  }

  /** Runs a raw dump request with the NLM_F_DUMP_INTR retry. */
  dump(msg: Buffer, opts?: RequestOptions): Promise<DumpResult> {
    return this.connection.dump(msg, opts);
  }

  close(): void {
    this.connection.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  [inspect.custom](): string {
    return `Rtnetlink ${this.netns ?? '(caller namespace)'}${this.connection.isClosed ? ' (closed)' : ''}`;
  }
}
