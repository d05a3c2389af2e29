// What list/get calls return: the decoded kernel objects as plain data, with a
// non-enumerable [util.inspect.custom] so they print as one iproute2-like line in the REPL.
import { inspect } from 'node:util';
import type { AddressInfo } from './codec/addr-codec.js';
import type { InetConfName } from './codec/constants.js';
import type { LinkInfo } from './codec/link-codec.js';
import type { NeighbourInfo } from './codec/neigh-codec.js';
import type { RouteInfo } from './codec/route-codec.js';

export type Link = LinkInfo;
export type Address = AddressInfo;
export type Route = RouteInfo;
export type Neighbour = NeighbourInfo;

function printable<T extends object>(value: T, show: (v: T) => string): T {
  Object.defineProperty(value, inspect.custom, { value: () => show(value), enumerable: false });
  return value;
}

export function toLink(info: LinkInfo): Link {
  return printable(info, (l) => {
    const conf = (['proxy_arp', 'forwarding'] as InetConfName[])
      .filter((k) => l.inetConf[k])
      .map((k) => ` ${k}=${l.inetConf[k]}`)
      .join('');
    const master = l.master ? ` master #${l.master}` : '';
    return `Link #${l.index} ${l.name} ${l.kind ?? 'device'} ${l.up ? 'UP' : 'DOWN'} mtu ${l.mtu} ${l.address ?? ''}${master}${conf}`;
  });
}

export function toAddress(info: AddressInfo): Address {
  return printable(
    info,
    (a) => `Address ${a.address}${a.peer ? ` peer ${a.peer}` : ''} dev #${a.index} scope ${a.scope}`,
  );
}

export function toRoute(info: RouteInfo): Route {
  return printable(info, (r) => {
    const parts = [r.type === 'unicast' ? '' : `${r.type} `, r.dst];
    if (r.gateway) parts.push(` via ${r.gateway}`);
    if (r.oif !== undefined) parts.push(` dev #${r.oif}`);
    if (r.table !== 254) parts.push(` table ${r.table}`);
    if (r.scope === 253) parts.push(' scope link');
    if (r.onlink) parts.push(' onlink');
    if (r.metric !== undefined) parts.push(` metric ${r.metric}`);
    return `Route ${parts.join('')}`;
  });
}

export function toNeighbour(info: NeighbourInfo): Neighbour {
  return printable(
    info,
    (n) => `Neighbour ${n.address} lladdr ${n.lladdr ?? '-'} dev #${n.index} ${n.states.join(',')}`,
  );
}
