// rtnetlink notifications (multicast groups): links, addresses, routes and neighbours
// appearing and going away, as an async iterable. The kernel removes a deleted
// namespace's veths asynchronously (~30 ms later), so "wait until it is gone" listens
// for RTM_DELLINK instead of polling.
import { inspect } from 'node:util';
import { decodeAddress } from './codec/addr-codec.js';
import { RTM } from './codec/constants.js';
import { decodeLink } from './codec/link-codec.js';
import { type Message, splitMessages } from './codec/message.js';
import { decodeNeighbour } from './codec/neigh-codec.js';
import { decodeRoute } from './codec/route-codec.js';
import { NetnsError } from './errors.js';
import { loadSys, type SysNetlinkSocket } from './internal/sys.js';
import {
  type Address,
  type Link,
  type Neighbour,
  type Route,
  toAddress,
  toLink,
  toNeighbour,
  toRoute,
} from './models.js';
import type { Netns } from './netns.js';
import type { Rtnetlink } from './rtnetlink.js';

/** RTMGRP_* bits (linux/rtnetlink.h). */
export const RTMGRP = { link: 0x1, neigh: 0x4, 'ipv4-ifaddr': 0x10, 'ipv4-route': 0x40 } as const;
export type EventGroup = keyof typeof RTMGRP;

export type RtnetlinkEvent =
  | { readonly type: 'newlink' | 'dellink'; readonly link: Link }
  | { readonly type: 'newaddr' | 'deladdr'; readonly address: Address }
  | { readonly type: 'newroute' | 'delroute'; readonly route: Route }
  | { readonly type: 'newneigh' | 'delneigh'; readonly neighbour: Neighbour };

function decodeEvent(m: Message): RtnetlinkEvent | undefined {
  switch (m.type) {
    case RTM.NEWLINK:
    case RTM.DELLINK:
      return { type: m.type === RTM.NEWLINK ? 'newlink' : 'dellink', link: toLink(decodeLink(m)) };
    case RTM.NEWADDR:
    case RTM.DELADDR:
      return { type: m.type === RTM.NEWADDR ? 'newaddr' : 'deladdr', address: toAddress(decodeAddress(m)) };
    case RTM.NEWROUTE:
    case RTM.DELROUTE:
      return { type: m.type === RTM.NEWROUTE ? 'newroute' : 'delroute', route: toRoute(decodeRoute(m)) };
    case RTM.NEWNEIGH:
    case RTM.DELNEIGH:
      return { type: m.type === RTM.NEWNEIGH ? 'newneigh' : 'delneigh', neighbour: toNeighbour(decodeNeighbour(m)) };
    default:
      return undefined;
  }
}

export interface EventOptions {
  readonly netns?: Netns | string | number;
  /** @default ['link'] */
  readonly groups?: readonly EventGroup[];
}

/** A subscription: `for await (const e of events) ...`; `close()` ends the iteration. */
export class RtnetlinkEvents implements AsyncIterable<RtnetlinkEvent> {
  private closed = false;
  private constructor(
    private readonly sock: SysNetlinkSocket,
    readonly groups: readonly EventGroup[],
  ) {}

  static async open(opts: EventOptions = {}): Promise<RtnetlinkEvents> {
    const groups = opts.groups ?? ['link'];
    let mask = 0;
    for (const g of groups) {
      const bit = RTMGRP[g];
      if (bit === undefined)
        throw new NetnsError(
          'ERR_INVALID_ARGUMENT',
          `unknown event group ${JSON.stringify(g)}: use ${Object.keys(RTMGRP).join(', ')}`,
        );
      mask |= bit;
    }
    const sys = await loadSys();
    const ns = opts.netns;
    const ref =
      ns === undefined
        ? undefined
        : typeof ns === 'object'
          ? ns.path
          : typeof ns === 'string' && !ns.includes('/')
            ? `/run/netns/${ns}`
            : ns;
    const sock = await sys.openNetlinkSocket(
      sys.NETLINK.ROUTE,
      ref === undefined ? { groups: mask } : { netns: ref, groups: mask },
    );
    return new RtnetlinkEvents(sock, groups);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RtnetlinkEvent> {
    while (!this.closed) {
      let datagram: Buffer;
      try {
        datagram = await this.sock.recv();
      } catch (err) {
        if (this.closed) return;
        throw err;
      }
      for (const m of splitMessages(datagram)) {
        const e = decodeEvent(m);
        if (e) yield e;
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.close();
  }

  [inspect.custom](): string {
    return `RtnetlinkEvents [${this.groups.join(', ')}]${this.closed ? ' (closed)' : ''}`;
  }
}

/**
 * Resolves once none of `names` exists in `rt`'s namespace, listening for RTM_DELLINK
 * (subscribed before the first check, so a removal in between is not missed).
 */
export async function waitForLinksGone(
  rt: Rtnetlink,
  names: readonly string[],
  opts: { timeoutMs?: number } = {},
): Promise<void> {
  const events = await RtnetlinkEvents.open({ netns: rt.netns, groups: ['link'] });
  const timeoutMs = opts.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const left = new Set<string>();
    for (const n of names) if (await rt.links.find(n)) left.add(n);
    if (left.size === 0) return;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        events.close();
        reject(
          new NetnsError('ERR_NETLINK_TIMEOUT', `links ${[...left].join(', ')} still exist after ${timeoutMs} ms`),
        );
      }, timeoutMs);
    });
    const watch = (async () => {
      for await (const e of events) {
        if (e.type === 'dellink') left.delete(e.link.name);
        if (left.size === 0) return;
      }
    })();
    await Promise.race([watch, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
    events.close();
  }
}
