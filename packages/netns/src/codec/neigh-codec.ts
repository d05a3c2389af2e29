// RTM_*NEIGH requests and replies (ndmsg + NDA_*), laid out as iproute2 6.1 sends them.
import { attributeMap, parseAttributes } from './attributes.js';
import { AF, NDA, type NeighbourState, NLM_F, NUD, RTM } from './constants.js';
import { formatAddress, formatMac, parseAddress, parseMac } from './ip.js';
import { buildMessage, type Message } from './message.js';

export interface NeighbourRequest {
  readonly index: number;
  readonly address: string;
  readonly lladdr?: string;
  /** @default 'permanent' */
  readonly state?: NeighbourState;
}

function encode(type: number, flags: number, req: NeighbourRequest): Buffer {
  const dst = parseAddress(req.address, 'neighbour address');
  return buildMessage(type, flags, (w) => {
    w.u8(dst.family)
      .u8(0)
      .u16(0)
      .i32(req.index)
      .u16(NUD[req.state ?? 'permanent'])
      .u8(0)
      .u8(0);
    w.attr(NDA.DST, dst.bytes);
    if (req.lladdr !== undefined) w.attr(NDA.LLADDR, parseMac(req.lladdr));
  });
}

/** Equivalent to: `ip neigh add ADDRESS lladdr MAC dev X nud STATE`. */
export function encodeNeighbourAdd(req: NeighbourRequest): Buffer {
  return encode(RTM.NEWNEIGH, NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL, req);
}

/** Equivalent to: `ip neigh del ADDRESS dev X`. */
export function encodeNeighbourDel(req: NeighbourRequest): Buffer {
  return encode(RTM.DELNEIGH, NLM_F.REQUEST | NLM_F.ACK, req);
}

export function encodeNeighbourDump(family: number = AF.UNSPEC): Buffer {
  return buildMessage(RTM.GETNEIGH, NLM_F.REQUEST | NLM_F.DUMP, (w) =>
    w.u8(family).u8(0).u16(0).i32(0).u16(0).u8(0).u8(0),
  );
}

export interface NeighbourInfo {
  readonly family: number;
  readonly index: number;
  readonly address: string | undefined;
  readonly lladdr: string | undefined;
  /** NUD_* bits. */
  readonly state: number;
  /** The names of the set NUD_* bits, e.g. ['reachable'] or ['permanent']. */
  readonly states: NeighbourState[];
}

export function decodeNeighbour(msg: Message): NeighbourInfo {
  const p = msg.payload;
  const attrs = attributeMap(parseAttributes(p, 12));
  const dst = attrs.get(NDA.DST);
  const ll = attrs.get(NDA.LLADDR);
  const state = p.readUInt16LE(8);
  return {
    family: p.readUInt8(0),
    index: p.readInt32LE(4),
    address: dst ? formatAddress(dst) : undefined,
    lladdr: ll ? formatMac(ll) : undefined,
    state,
    states: (Object.keys(NUD) as NeighbourState[]).filter((k) => state & NUD[k]),
  };
}
