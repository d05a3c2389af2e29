// RTM_*ROUTE requests and replies (rtmsg + RTA_*). Defaults follow iproute2 6.1:
// protocol boot, scope link for a unicast route without a gateway, scope nowhere as the
// wildcard on delete, the table in rtmsg when < 256 and in RTA_TABLE otherwise.
import { invalid } from '../errors.js';
import { attributeMap, parseAttributes, readU32 } from './attributes.js';
import {
  AF,
  NLM_F,
  type RouteScope,
  type RouteType,
  RT_SCOPE,
  RT_TABLE,
  RTA,
  RTM,
  RTN,
  RTNH_F_ONLINK,
  RTPROT,
} from './constants.js';
import { formatAddress, isNetworkAddress, parseAddress, parsePrefix } from './ip.js';
import { buildMessage, type Message } from './message.js';

export interface RouteRequest {
  /** `10.0.0.0/24`, `10.0.0.2` (a /32) or `default`. */
  readonly dst: string;
  readonly gateway?: string;
  /** Output ifindex. */
  readonly oif?: number;
  readonly scope?: RouteScope;
  /** RTNH_F_ONLINK: trust that the gateway is reachable on `oif` even off its subnet. */
  readonly onlink?: boolean;
  /** @default 254 (main) */
  readonly table?: number;
  readonly metric?: number;
  /** Preferred source address (`src`). */
  readonly src?: string;
  /** @default 'unicast' */
  readonly type?: RouteType;
  /** @default 'boot' (3), as iproute2 */
  readonly protocol?: number;
}

type Op = 'add' | 'replace' | 'del';
const FLAGS: Record<Op, number> = {
  add: NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL,
  replace: NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.REPLACE,
  del: NLM_F.REQUEST | NLM_F.ACK,
};

function encode(op: Op, req: RouteRequest): Buffer {
  const dst = parsePrefix(req.dst, 'route destination');
  if (!isNetworkAddress(dst)) {
    // The kernel would say EINVAL "Invalid prefix for given prefix length"; say which bits.
    throw invalid('route destination', req.dst, 'host bits are set; use the network address of the prefix');
  }
  const gw = req.gateway === undefined ? undefined : parseAddress(req.gateway, 'gateway');
  if (gw && gw.family !== dst.family)
    throw invalid('gateway', req.gateway, 'the gateway must be of the destination family');
  const type = req.type ?? (op === 'del' ? undefined : 'unicast');
  if (type !== undefined && RTN[type] === undefined)
    throw invalid('route type', type, `use one of ${Object.keys(RTN).join(', ')}`);
  let scope: number;
  if (req.scope !== undefined) {
    scope = RT_SCOPE[req.scope];
    if (scope === undefined) throw invalid('route scope', req.scope, 'use universe, site, link, host or nowhere');
  } else if (op === 'del') scope = RT_SCOPE.nowhere;
  else if (type === 'local' || type === 'nat') scope = RT_SCOPE.host;
  else if (type === 'broadcast' || type === 'multicast' || type === 'anycast') scope = RT_SCOPE.link;
  else if (type === 'unicast' && !gw && req.oif !== undefined) scope = RT_SCOPE.link;
  else scope = RT_SCOPE.universe;
  const table = req.table ?? RT_TABLE.MAIN;
  const protocol = req.protocol ?? (op === 'del' ? RTPROT.UNSPEC : RTPROT.BOOT);
  return buildMessage(op === 'del' ? RTM.DELROUTE : RTM.NEWROUTE, FLAGS[op], (w) => {
    w.u8(dst.family).u8(dst.length).u8(0).u8(0);
    w.u8(table < 256 ? table : RT_TABLE.UNSPEC)
      .u8(protocol)
      .u8(scope)
      .u8(type === undefined ? RTN.unspec : RTN[type]);
    w.u32(req.onlink ? RTNH_F_ONLINK : 0);
    if (dst.length > 0) w.attr(RTA.DST, dst.bytes);
    if (gw) w.attr(RTA.GATEWAY, gw.bytes);
    if (req.src !== undefined) w.attr(RTA.PREFSRC, parseAddress(req.src, 'route src').bytes);
    if (req.metric !== undefined) w.attrU32(RTA.PRIORITY, req.metric);
    if (table >= 256) w.attrU32(RTA.TABLE, table);
    if (req.oif !== undefined) w.attrU32(RTA.OIF, req.oif);
  });
}

/** Equivalent to: `ip route add DST [via GW] [dev X] [scope S] [onlink] [metric M] [table T]`. */
export function encodeRouteAdd(req: RouteRequest): Buffer {
  return encode('add', req);
}

/** Equivalent to: `ip route replace ...` (CREATE|REPLACE: idempotent). */
export function encodeRouteReplace(req: RouteRequest): Buffer {
  return encode('replace', req);
}

/** Equivalent to: `ip route del ...`. Unset fields match any route (scope nowhere, type unspec). */
export function encodeRouteDel(req: RouteRequest): Buffer {
  return encode('del', req);
}

export function encodeRouteDump(family: number = AF.INET): Buffer {
  return buildMessage(RTM.GETROUTE, NLM_F.REQUEST | NLM_F.DUMP, (w) => w.u8(family).zeros(7).u32(0));
}

export interface RouteInfo {
  readonly family: number;
  /** `10.0.0.0/24`, or `default`. */
  readonly dst: string;
  readonly gateway: string | undefined;
  readonly oif: number | undefined;
  readonly table: number;
  readonly protocol: number;
  readonly scope: number;
  readonly type: RouteType | 'unspec';
  readonly onlink: boolean;
  readonly metric: number | undefined;
  readonly src: string | undefined;
}

export function decodeRoute(msg: Message): RouteInfo {
  const p = msg.payload;
  const attrs = attributeMap(parseAttributes(p, 12));
  const family = p.readUInt8(0);
  const dstLen = p.readUInt8(1);
  const dstB = attrs.get(RTA.DST);
  const gw = attrs.get(RTA.GATEWAY);
  const src = attrs.get(RTA.PREFSRC);
  const typeNum = p.readUInt8(7);
  const typeName = (Object.keys(RTN) as (keyof typeof RTN)[]).find((k) => RTN[k] === typeNum) ?? 'unspec';
  return {
    family,
    dst:
      dstLen === 0 && !dstB
        ? 'default'
        : `${dstB ? formatAddress(dstB) : family === AF.INET6 ? '::' : '0.0.0.0'}/${dstLen}`,
    gateway: gw ? formatAddress(gw) : undefined,
    oif: readU32(attrs.get(RTA.OIF)),
    table: readU32(attrs.get(RTA.TABLE)) ?? p.readUInt8(4),
    protocol: p.readUInt8(5),
    scope: p.readUInt8(6),
    type: typeName,
    onlink: (p.readUInt32LE(8) & RTNH_F_ONLINK) !== 0,
    metric: readU32(attrs.get(RTA.PRIORITY)),
    src: src ? formatAddress(src) : undefined,
  };
}
