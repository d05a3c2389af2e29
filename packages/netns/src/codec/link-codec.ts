// RTM_*LINK requests and replies. Requests follow iproute2 6.1's layout (no NLA_F_NESTED,
// IFLA_INFO_KIND without NUL, IFLA_IFNAME with it), so they compare byte-for-byte with
// the captures in test/fixtures/iproute2; decoding accepts either convention.
import { invalid, NetnsError } from '../errors.js';
import { attributeMap, parseAttributes, pickAttributes, readI32, readString, readU8, readU32 } from './attributes.js';
import {
  AF,
  IFF,
  IFLA,
  IFLA_BR,
  IFLA_INET_CONF,
  IFLA_INFO,
  IFLA_IPTUN,
  IFLA_MACVLAN,
  IFLA_VXLAN,
  type InetConfName,
  IPV4_DEVCONF,
  MACVLAN_MODE,
  NLM_F,
  RTEXT_FILTER_VF_SKIP_STATS,
  RTM,
  VETH_INFO_PEER,
} from './constants.js';
import { formatAddress, formatMac, parseAddress, parseMac } from './ip.js';
import { buildMessage, type Message } from './message.js';
import type { MessageWriter } from './writer.js';

export type LinkKind = 'veth' | 'bridge' | 'ipip' | 'vxlan' | 'macvlan';

/** Where a link goes: a namespace fd (`IFLA_NET_NS_FD`) or a pid (`IFLA_NET_NS_PID`). */
export type NetnsTarget = { readonly fd: number } | { readonly pid: number };

export interface IpipData {
  readonly local?: string;
  readonly remote?: string;
  /** 0 inherits from the inner packet. @default 0 */
  readonly ttl?: number;
  readonly tos?: number;
  /** Path-MTU discovery (DF on outer packets). @default true, as iproute2 (see netns.md §6) */
  readonly pmtudisc?: boolean;
  /** Underlay ifindex (0: any). */
  readonly link?: number;
}

export interface VxlanData {
  readonly id: number;
  readonly local?: string;
  /** UDP destination port. */
  readonly port?: number;
  readonly link?: number;
  readonly learning?: boolean;
}

export interface BridgeData {
  readonly stpState?: 0 | 1;
  readonly priority?: number;
  readonly vlanFiltering?: boolean;
}

/**
 * Queue counts (`numtxqueues` / `numrxqueues`). Since Linux 5.15 a veth gets one queue of
 * each per possible CPU, of which one is active; each costs sysfs objects at creation.
 */
export interface LinkQueues {
  readonly numTxQueues?: number;
  readonly numRxQueues?: number;
}

export interface LinkAddRequest extends LinkQueues {
  readonly name: string;
  readonly kind: LinkKind;
  readonly mtu?: number;
  readonly address?: string;
  readonly master?: number;
  readonly up?: boolean;
  readonly netns?: NetnsTarget;
  /** Underlay for macvlan (`IFLA_LINK`). */
  readonly link?: number;
  readonly peer?: LinkQueues & {
    readonly name: string;
    readonly netns?: NetnsTarget;
    readonly mtu?: number;
    readonly address?: string;
  };
  readonly ipip?: IpipData;
  readonly vxlan?: VxlanData;
  readonly macvlan?: { readonly mode?: keyof typeof MACVLAN_MODE };
  readonly bridge?: BridgeData;
}

export function validateIfName(name: string, what = 'interface name'): void {
  // IFNAMSIZ is 16 including the NUL; the kernel answers ERANGE past 15 bytes.
  if (typeof name !== 'string' || name.length === 0 || Buffer.byteLength(name) > 15 || /[\s/:]|\0/.test(name)) {
    throw invalid(what, name, 'use 1 to 15 bytes without whitespace, "/" or ":" (IFNAMSIZ)');
  }
}

function ifinfomsg(w: MessageWriter, index = 0, flags = 0, change = 0, family: number = AF.UNSPEC): void {
  w.u8(family).u8(0).u16(0).i32(index).u32(flags).u32(change);
}

function netnsAttr(w: MessageWriter, t: NetnsTarget): void {
  if ('fd' in t) w.attrU32(IFLA.NET_NS_FD, t.fd);
  else w.attrU32(IFLA.NET_NS_PID, t.pid);
}

// The kernel refuses 0 and more than 4096 (rtnl_create_link).
const MAX_QUEUES = 4096;

/** IFLA_NUM_TX/RX_QUEUES, placed before IFLA_IFNAME as iproute2 does. */
function queueAttrs(w: MessageWriter, q: LinkQueues, what: string): void {
  for (const [key, type] of [
    ['numTxQueues', IFLA.NUM_TX_QUEUES],
    ['numRxQueues', IFLA.NUM_RX_QUEUES],
  ] as const) {
    const n = q[key];
    if (n === undefined) continue;
    if (!Number.isInteger(n) || n < 1 || n > MAX_QUEUES)
      throw invalid(`${what}${key}`, n, `use an integer from 1 to ${MAX_QUEUES}`);
    w.attrU32(type, n);
  }
}

function ipv4(text: string | undefined, what: string): Buffer {
  if (text === undefined) return Buffer.alloc(4);
  const a = parseAddress(text, what);
  if (a.bytes.length !== 4) throw invalid(what, text, 'ipip tunnels carry IPv4 endpoints');
  return Buffer.from(a.bytes);
}

function kindData(w: MessageWriter, req: LinkAddRequest): void {
  switch (req.kind) {
    case 'veth': {
      if (!req.peer) return;
      const peer = req.peer;
      validateIfName(peer.name, 'veth peer name');
      w.nest(IFLA_INFO.DATA, () =>
        w.nest(VETH_INFO_PEER, () => {
          ifinfomsg(w);
          queueAttrs(w, peer, 'veth peer ');
          w.attrString(IFLA.IFNAME, peer.name);
          if (peer.mtu !== undefined) w.attrU32(IFLA.MTU, peer.mtu);
          if (peer.address !== undefined) w.attr(IFLA.ADDRESS, parseMac(peer.address));
          if (peer.netns) netnsAttr(w, peer.netns);
        }),
      );
      return;
    }
    case 'ipip': {
      const d = req.ipip ?? {};
      w.nest(IFLA_INFO.DATA, () => {
        w.attrU8(IFLA_IPTUN.PROTO, 0);
        w.attr(IFLA_IPTUN.LOCAL, ipv4(d.local, 'ipip local'));
        w.attr(IFLA_IPTUN.REMOTE, ipv4(d.remote, 'ipip remote'));
        w.attrU8(IFLA_IPTUN.PMTUDISC, d.pmtudisc === false ? 0 : 1);
        w.attrU8(IFLA_IPTUN.TOS, d.tos ?? 0);
        w.attrU8(IFLA_IPTUN.TTL, d.ttl ?? 0);
        w.attrU32(IFLA_IPTUN.LINK, d.link ?? 0);
        w.attrU32(IFLA_IPTUN.FWMARK, 0);
        w.attrU16(IFLA_IPTUN.ENCAP_TYPE, 0);
        w.attrU16(IFLA_IPTUN.ENCAP_FLAGS, 0);
        w.attrBe16(IFLA_IPTUN.ENCAP_SPORT, 0);
        w.attrBe16(IFLA_IPTUN.ENCAP_DPORT, 0);
      });
      return;
    }
    case 'vxlan': {
      const d = req.vxlan;
      if (!d || !Number.isInteger(d.id) || d.id < 0 || d.id >= 2 ** 24) {
        throw invalid('vxlan id', d?.id, 'vxlan links need vxlan: { id } with a 24-bit VNI');
      }
      w.nest(IFLA_INFO.DATA, () => {
        if (d.link !== undefined) w.attrU32(IFLA_VXLAN.LINK, d.link);
        w.attrU32(IFLA_VXLAN.ID, d.id);
        if (d.local !== undefined) w.attr(IFLA_VXLAN.LOCAL, ipv4(d.local, 'vxlan local'));
        w.attrU8(IFLA_VXLAN.LEARNING, d.learning === false ? 0 : 1);
        if (d.port !== undefined) w.attrBe16(IFLA_VXLAN.PORT, d.port);
      });
      return;
    }
    case 'macvlan': {
      const mode = req.macvlan?.mode;
      if (mode === undefined) return;
      w.nest(IFLA_INFO.DATA, () => w.attrU32(IFLA_MACVLAN.MODE, MACVLAN_MODE[mode]));
      return;
    }
    case 'bridge': {
      const d = req.bridge;
      if (!d || (d.stpState === undefined && d.priority === undefined && d.vlanFiltering === undefined)) return;
      w.nest(IFLA_INFO.DATA, () => {
        if (d.stpState !== undefined) w.attrU32(IFLA_BR.STP_STATE, d.stpState);
        if (d.priority !== undefined) w.attrU16(IFLA_BR.PRIORITY, d.priority);
        if (d.vlanFiltering !== undefined) w.attrU8(IFLA_BR.VLAN_FILTERING, d.vlanFiltering ? 1 : 0);
      });
      return;
    }
    default:
      throw invalid('link kind', (req as { kind: unknown }).kind, 'use veth, bridge, ipip, vxlan or macvlan');
  }
}

/** Equivalent to: `ip link add NAME [link DEV] type KIND ...` (RTM_NEWLINK, CREATE|EXCL). */
export function encodeLinkAdd(req: LinkAddRequest): Buffer {
  validateIfName(req.name);
  if (req.kind === 'macvlan' && req.link === undefined)
    throw invalid('macvlan link', req.link, 'macvlan needs link: <underlay>');
  const up = req.up ? IFF.UP : 0;
  return buildMessage(RTM.NEWLINK, NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL, (w) => {
    ifinfomsg(w, 0, up, up);
    if (req.link !== undefined) w.attrU32(IFLA.LINK, req.link);
    queueAttrs(w, req, '');
    w.attrString(IFLA.IFNAME, req.name);
    if (req.mtu !== undefined) w.attrU32(IFLA.MTU, req.mtu);
    if (req.address !== undefined) w.attr(IFLA.ADDRESS, parseMac(req.address));
    if (req.master !== undefined) w.attrU32(IFLA.MASTER, req.master);
    if (req.netns) netnsAttr(w, req.netns);
    w.nest(IFLA.LINKINFO, () => {
      w.attrString(IFLA_INFO.KIND, req.kind, false);
      kindData(w, req);
    });
  });
}

export interface LinkSetRequest {
  /** The link's ifindex; 0 with `ifname` addresses it by name instead. */
  readonly index: number;
  /** Address the link by name (ifi_index 0 + IFLA_IFNAME): no lookup first, unlike iproute2. */
  readonly ifname?: string;
  readonly up?: boolean;
  readonly mtu?: number;
  /** ifindex of the new master; 0 detaches (`nomaster`). */
  readonly master?: number;
  readonly netns?: NetnsTarget;
  /** Rename. */
  readonly name?: string;
  readonly address?: string;
}

/** Equivalent to: `ip link set dev X [up|down] [mtu N] [master M] [netns N] [name NEW] [address MAC]`. */
export function encodeLinkSet(req: LinkSetRequest): Buffer {
  if (req.name !== undefined) validateIfName(req.name);
  if (req.ifname !== undefined) {
    validateIfName(req.ifname);
    if (req.index !== 0 || req.name !== undefined)
      throw invalid('link set', req, 'address a link by index or by ifname (index 0), and rename only by index');
  }
  const change = req.up === undefined ? 0 : IFF.UP;
  const flags = req.up ? IFF.UP : 0;
  return buildMessage(RTM.NEWLINK, NLM_F.REQUEST | NLM_F.ACK, (w) => {
    ifinfomsg(w, req.index, flags, change);
    if (req.name !== undefined) w.attrString(IFLA.IFNAME, req.name);
    if (req.ifname !== undefined) w.attrString(IFLA.IFNAME, req.ifname);
    if (req.mtu !== undefined) w.attrU32(IFLA.MTU, req.mtu);
    if (req.address !== undefined) w.attr(IFLA.ADDRESS, parseMac(req.address));
    if (req.master !== undefined) w.attrU32(IFLA.MASTER, req.master);
    if (req.netns) netnsAttr(w, req.netns);
  });
}

export type InetConf = Partial<Record<InetConfName, number | boolean>>;

/** IPv4 per-device sysctls over rtnetlink: `IFLA_AF_SPEC { AF_INET { IFLA_INET_CONF { idx: u32 } } }`. */
export function encodeInetConf(index: number, conf: InetConf): Buffer {
  const entries = Object.entries(conf);
  if (entries.length === 0) throw invalid('inet conf', conf, 'name at least one setting, such as { proxy_arp: 1 }');
  return buildMessage(RTM.NEWLINK, NLM_F.REQUEST | NLM_F.ACK, (w) => {
    ifinfomsg(w, index);
    w.nest(IFLA.AF_SPEC, () =>
      w.nest(AF.INET, () =>
        w.nest(IFLA_INET_CONF, () => {
          for (const [name, value] of entries) {
            const id = IPV4_DEVCONF[name as InetConfName];
            if (id === undefined)
              throw invalid('inet conf key', name, 'use an IPv4 devconf name such as proxy_arp, forwarding, rp_filter');
            w.attrU32(id, typeof value === 'boolean' ? Number(value) : (value as number));
          }
        }),
      ),
    );
  });
}

/** Equivalent to: `ip link del` once the index is known (RTM_DELLINK with only ifi_index). */
export function encodeLinkDel(index: number): Buffer {
  return buildMessage(RTM.DELLINK, NLM_F.REQUEST | NLM_F.ACK, (w) => ifinfomsg(w, index));
}

/** RTM_GETLINK for one link, as iproute2 resolves names: the reply is the link, not an ACK. */
export function encodeLinkGet(nameOrIndex: string | number): Buffer {
  return buildMessage(RTM.GETLINK, NLM_F.REQUEST, (w) => {
    if (typeof nameOrIndex === 'number') {
      ifinfomsg(w, nameOrIndex);
      w.attrU32(IFLA.EXT_MASK, RTEXT_FILTER_VF_SKIP_STATS);
    } else {
      ifinfomsg(w);
      w.attrU32(IFLA.EXT_MASK, RTEXT_FILTER_VF_SKIP_STATS);
      // Names past IFNAMSIZ can only be altnames (vishvananda/netlink#988).
      w.attrString(Buffer.byteLength(nameOrIndex) > 15 ? IFLA.ALT_IFNAME : IFLA.IFNAME, nameOrIndex);
    }
  });
}

export function encodeLinkDump(): Buffer {
  return buildMessage(RTM.GETLINK, NLM_F.REQUEST | NLM_F.DUMP, (w) => {
    ifinfomsg(w);
    w.attrU32(IFLA.EXT_MASK, RTEXT_FILTER_VF_SKIP_STATS);
  });
}

export interface LinkInfo {
  readonly index: number;
  readonly name: string;
  /** `IFLA_INFO_KIND` ('veth', 'bridge', ...); undefined for physical devices and lo. */
  readonly kind: string | undefined;
  /** `IFLA_INFO_SLAVE_KIND` ('bridge' for a bridge port). */
  readonly slaveKind: string | undefined;
  readonly flags: number;
  readonly up: boolean;
  readonly mtu: number | undefined;
  readonly address: string | undefined;
  readonly master: number | undefined;
  /** `IFLA_LINK`: the peer's ifindex for veth (possibly in another namespace), the underlay otherwise. */
  readonly link: number | undefined;
  /** `IFLA_LINK_NETNSID`: the namespace id where `link` lives, when it is not this one. */
  readonly linkNetnsId: number | undefined;
  readonly operstate: number | undefined;
  readonly numTxQueues: number | undefined;
  readonly numRxQueues: number | undefined;
  /** IPv4 devconf values from `IFLA_AF_SPEC`, by sysctl name. */
  readonly inetConf: Partial<Record<InetConfName, number>>;
  readonly ipip?: { local: string; remote: string; ttl: number; pmtudisc: boolean; link: number };
}

const DEVCONF_ENTRIES = Object.entries(IPV4_DEVCONF) as [InetConfName, number][];

function decodeInetConf(afSpec: Buffer | undefined): Partial<Record<InetConfName, number>> {
  const out: Partial<Record<InetConfName, number>> = {};
  if (!afSpec) return out;
  const inet = attributeMap(parseAttributes(afSpec)).get(AF.INET);
  const conf = inet && attributeMap(parseAttributes(inet)).get(IFLA_INET_CONF);
  if (!conf) return out;
  for (const [name, id] of DEVCONF_ENTRIES) {
    if (id * 4 <= conf.length) out[name] = conf.readUInt32LE((id - 1) * 4);
  }
  return out;
}

/** The part of a link reply a topology needs, read without decoding the rest. */
export interface LinkBrief {
  readonly index: number;
  readonly up: boolean;
  readonly address: string | undefined;
  /** `IFLA_LINK`: for a veth, the peer's ifindex (in its own namespace). */
  readonly link: number | undefined;
}

export function decodeLinkBrief(msg: Message): LinkBrief {
  const p = msg.payload;
  if (p.length < 16) {
    throw new NetnsError(
      'ERR_NETLINK_PROTOCOL',
      `RTM_NEWLINK payload of ${p.length} bytes, need the 16-byte ifinfomsg`,
    );
  }
  const [addr, link] = pickAttributes(p, 16, [IFLA.ADDRESS, IFLA.LINK]);
  return {
    index: p.readInt32LE(4),
    up: (p.readUInt32LE(8) & IFF.UP) !== 0,
    address: addr ? formatMac(addr) : undefined,
    link: readU32(link),
  };
}

export function decodeLink(msg: Message): LinkInfo {
  const p = msg.payload;
  const attrs = attributeMap(parseAttributes(p, 16));
  const flags = p.readUInt32LE(8);
  const linkinfo = attrs.get(IFLA.LINKINFO);
  const info = linkinfo ? attributeMap(parseAttributes(linkinfo)) : new Map<number, Buffer>();
  const kind = readString(info.get(IFLA_INFO.KIND));
  const addr = attrs.get(IFLA.ADDRESS);
  const base: LinkInfo = {
    index: p.readInt32LE(4),
    name: readString(attrs.get(IFLA.IFNAME)) ?? '',
    kind,
    slaveKind: readString(info.get(IFLA_INFO.SLAVE_KIND)),
    flags,
    up: (flags & IFF.UP) !== 0,
    mtu: readU32(attrs.get(IFLA.MTU)),
    address: addr ? formatMac(addr) : undefined,
    master: readU32(attrs.get(IFLA.MASTER)),
    link: readU32(attrs.get(IFLA.LINK)),
    linkNetnsId: readI32(attrs.get(IFLA.LINK_NETNSID)),
    operstate: readU8(attrs.get(IFLA.OPERSTATE)),
    numTxQueues: readU32(attrs.get(IFLA.NUM_TX_QUEUES)),
    numRxQueues: readU32(attrs.get(IFLA.NUM_RX_QUEUES)),
    inetConf: decodeInetConf(attrs.get(IFLA.AF_SPEC)),
  };
  const data = info.get(IFLA_INFO.DATA);
  if (kind === 'ipip' && data) {
    const d = attributeMap(parseAttributes(data));
    return {
      ...base,
      ipip: {
        local: formatAddress(d.get(IFLA_IPTUN.LOCAL) ?? Buffer.alloc(4)),
        remote: formatAddress(d.get(IFLA_IPTUN.REMOTE) ?? Buffer.alloc(4)),
        ttl: readU8(d.get(IFLA_IPTUN.TTL)) ?? 0,
        pmtudisc: (readU8(d.get(IFLA_IPTUN.PMTUDISC)) ?? 1) !== 0,
        link: readU32(d.get(IFLA_IPTUN.LINK)) ?? 0,
      },
    };
  }
  return base;
}
