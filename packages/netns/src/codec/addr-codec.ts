// RTM_*ADDR requests and replies (ifaddrmsg + IFA_*), laid out as iproute2 6.1 sends them.
import { invalid } from '../errors.js';
import { attributeMap, parseAttributes, readString, readU32 } from './attributes.js';
import { AF, IFA, NLM_F, type RouteScope, RT_SCOPE, RTM } from './constants.js';
import { formatAddress, type Prefix, parseAddress, parsePrefix } from './ip.js';
import { buildMessage, type Message } from './message.js';

export interface AddressRequest {
  readonly index: number;
  /** `10.0.0.2/32`; a bare address means a host prefix. */
  readonly address: string;
  /** Point-to-point peer (`ip addr add A peer P`): IFA_ADDRESS becomes the peer. */
  readonly peer?: string;
  readonly scope?: RouteScope;
  /** Add the broadcast address (`brd +`), as vishvananda/netlink does for prefixes < /31. @default false */
  readonly broadcast?: boolean;
  readonly label?: string;
}

function broadcastOf(p: Prefix): Buffer {
  const b = Buffer.from(p.bytes);
  for (let bit = p.length; bit < 32; bit++) b[bit >> 3] = (b[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return b;
}

function encode(type: number, flags: number, req: AddressRequest): Buffer {
  const local = parsePrefix(req.address, 'address');
  const peer = req.peer === undefined ? undefined : parseAddress(req.peer.split('/')[0] ?? '', 'peer address');
  if (peer && peer.family !== local.family)
    throw invalid('peer address', req.peer, 'the peer must be of the same family as the address');
  return buildMessage(type, flags, (w) => {
    w.u8(local.family)
      .u8(local.length)
      .u8(0)
      .u8(RT_SCOPE[req.scope ?? 'universe'])
      .u32(req.index);
    w.attr(IFA.LOCAL, local.bytes);
    w.attr(IFA.ADDRESS, (peer ?? local).bytes);
    if (req.broadcast && local.family === AF.INET && local.length < 31) w.attr(IFA.BROADCAST, broadcastOf(local));
    if (req.label !== undefined) w.attrString(IFA.LABEL, req.label);
  });
}

/** Equivalent to: `ip addr add ADDRESS dev X` (CREATE|EXCL; EEXIST when already assigned). */
export function encodeAddressAdd(req: AddressRequest): Buffer {
  return encode(RTM.NEWADDR, NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL, req);
}

/** Equivalent to: `ip addr replace ADDRESS dev X`. */
export function encodeAddressReplace(req: AddressRequest): Buffer {
  return encode(RTM.NEWADDR, NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.REPLACE, req);
}

/** Equivalent to: `ip addr del ADDRESS dev X`. */
export function encodeAddressDel(req: AddressRequest): Buffer {
  return encode(RTM.DELADDR, NLM_F.REQUEST | NLM_F.ACK, req);
}

export function encodeAddressDump(family: number = AF.UNSPEC): Buffer {
  return buildMessage(RTM.GETADDR, NLM_F.REQUEST | NLM_F.DUMP, (w) => w.u8(family).u8(0).u8(0).u8(0).u32(0));
}

export interface AddressInfo {
  readonly index: number;
  readonly family: number;
  /** `local/prefixlen`, e.g. `10.0.0.2/32`. */
  readonly address: string;
  readonly local: string | undefined;
  /** The peer (IFA_ADDRESS) when it differs from the local address. */
  readonly peer: string | undefined;
  readonly prefixLength: number;
  readonly scope: number;
  readonly label: string | undefined;
  readonly flags: number;
}

export function decodeAddress(msg: Message): AddressInfo {
  const p = msg.payload;
  const attrs = attributeMap(parseAttributes(p, 8));
  const localB = attrs.get(IFA.LOCAL);
  const addrB = attrs.get(IFA.ADDRESS);
  const local = localB ? formatAddress(localB) : undefined;
  const addr = addrB ? formatAddress(addrB) : undefined;
  const prefixLength = p.readUInt8(1);
  return {
    family: p.readUInt8(0),
    prefixLength,
    flags: readU32(attrs.get(IFA.FLAGS)) ?? p.readUInt8(2),
    scope: p.readUInt8(3),
    index: p.readUInt32LE(4),
    address: `${local ?? addr}/${prefixLength}`,
    local,
    peer: local !== undefined && addr !== undefined && addr !== local ? addr : undefined,
    label: readString(attrs.get(IFA.LABEL)),
  };
}
