// rtnetlink numbers from the Linux UAPI headers (linux/netlink.h, linux/rtnetlink.h,
// linux/if_link.h, linux/if_addr.h, linux/neighbour.h, linux/ip.h), checked against
// shared/reference/netns.md §3.1 and the iproute2 captures in test/fixtures/iproute2.

export const NLMSG = { NOOP: 1, ERROR: 2, DONE: 3, OVERRUN: 4 } as const;

export const RTM = {
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  SETLINK: 19,
  NEWADDR: 20,
  DELADDR: 21,
  GETADDR: 22,
  NEWROUTE: 24,
  DELROUTE: 25,
  GETROUTE: 26,
  NEWNEIGH: 28,
  DELNEIGH: 29,
  GETNEIGH: 30,
  SETNEIGHTBL: 67,
} as const;

export const NLM_F = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  ECHO: 0x8,
  DUMP_INTR: 0x10,
  // new requests
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
  APPEND: 0x800,
  // get requests
  ROOT: 0x100,
  MATCH: 0x200,
  DUMP: 0x300,
  // error replies
  CAPPED: 0x100,
  ACK_TLVS: 0x200,
} as const;

export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

export const NLMSGERR_ATTR = { MSG: 1, OFFS: 2, COOKIE: 3 } as const;

export const AF = { UNSPEC: 0, INET: 2, BRIDGE: 7, INET6: 10 } as const;

export const IFF = {
  UP: 0x1,
  BROADCAST: 0x2,
  LOOPBACK: 0x8,
  POINTOPOINT: 0x10,
  RUNNING: 0x40,
  NOARP: 0x80,
  LOWER_UP: 0x10000,
} as const;

export const IFLA = {
  ADDRESS: 1,
  BROADCAST: 2,
  IFNAME: 3,
  MTU: 4,
  LINK: 5,
  MASTER: 10,
  OPERSTATE: 16,
  LINKINFO: 18,
  NET_NS_PID: 19,
  AF_SPEC: 26,
  NET_NS_FD: 28,
  EXT_MASK: 29,
  NUM_TX_QUEUES: 31,
  NUM_RX_QUEUES: 32,
  LINK_NETNSID: 37,
  TARGET_NETNSID: 46,
  ALT_IFNAME: 53,
} as const;

export const IFLA_INFO = { KIND: 1, DATA: 2, SLAVE_KIND: 4 } as const;
export const VETH_INFO_PEER = 1;

export const IFLA_IPTUN = {
  LINK: 1,
  LOCAL: 2,
  REMOTE: 3,
  TTL: 4,
  TOS: 5,
  PMTUDISC: 10,
  PROTO: 9,
  ENCAP_TYPE: 15,
  ENCAP_FLAGS: 16,
  ENCAP_SPORT: 17,
  ENCAP_DPORT: 18,
  FWMARK: 20,
} as const;

export const IFLA_VXLAN = { ID: 1, LINK: 3, LOCAL: 4, TTL: 5, LEARNING: 7, PORT: 15 } as const;
export const IFLA_MACVLAN = { MODE: 1 } as const;
export const MACVLAN_MODE = { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 } as const;
export const IFLA_BR = {
  FORWARD_DELAY: 1,
  HELLO_TIME: 2,
  MAX_AGE: 3,
  AGEING_TIME: 4,
  STP_STATE: 5,
  PRIORITY: 6,
  VLAN_FILTERING: 7,
} as const;

/** `IFLA_AF_SPEC` → `AF_INET` → this attribute: the IPv4 devconf array (a u32 per index). */
export const IFLA_INET_CONF = 1;
export const RTEXT_FILTER_VF_SKIP_STATS = 9;

/** 1-based `IPV4_DEVCONF_*` indices (linux/ip.h), by their sysctl names. */
export const IPV4_DEVCONF = {
  forwarding: 1,
  mc_forwarding: 2,
  proxy_arp: 3,
  accept_redirects: 4,
  secure_redirects: 5,
  send_redirects: 6,
  shared_media: 7,
  rp_filter: 8,
  accept_source_route: 9,
  bootp_relay: 10,
  log_martians: 11,
  tag: 12,
  arp_filter: 13,
  medium_id: 14,
  disable_xfrm: 15,
  disable_policy: 16,
  force_igmp_version: 17,
  arp_announce: 18,
  arp_ignore: 19,
  promote_secondaries: 20,
  arp_accept: 21,
  arp_notify: 22,
  accept_local: 23,
  src_valid_mark: 24,
  proxy_arp_pvlan: 25,
  route_localnet: 26,
  igmpv2_unsolicited_report_interval: 27,
  igmpv3_unsolicited_report_interval: 28,
  ignore_routes_with_linkdown: 29,
  drop_unicast_in_l2_multicast: 30,
  drop_gratuitous_arp: 31,
  bc_forwarding: 32,
  arp_evict_nocarrier: 33,
} as const;
export type InetConfName = keyof typeof IPV4_DEVCONF;

export const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4, CACHEINFO: 6, FLAGS: 8 } as const;

export const RTA = {
  DST: 1,
  SRC: 2,
  IIF: 3,
  OIF: 4,
  GATEWAY: 5,
  PRIORITY: 6,
  PREFSRC: 7,
  TABLE: 15,
  PREF: 20,
} as const;

export const RT_TABLE = { UNSPEC: 0, DEFAULT: 253, MAIN: 254, LOCAL: 255 } as const;
export const RTPROT = { UNSPEC: 0, REDIRECT: 1, KERNEL: 2, BOOT: 3, STATIC: 4 } as const;
export const RT_SCOPE = { universe: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;
export type RouteScope = keyof typeof RT_SCOPE;
export const RTN = {
  unspec: 0,
  unicast: 1,
  local: 2,
  broadcast: 3,
  anycast: 4,
  multicast: 5,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
  throw: 9,
  nat: 10,
} as const;
export type RouteType = Exclude<keyof typeof RTN, 'unspec'>;
export const RTNH_F_ONLINK = 4;

export const NDA = { DST: 1, LLADDR: 2 } as const;

/** Neighbour-table attributes (RTM_SETNEIGHTBL) and the per-device parameters nested in NDTA_PARMS. */
export const NDTA = { NAME: 1, PARMS: 6 } as const;
export const NDTPA = {
  IFINDEX: 1,
  BASE_REACHABLE_TIME: 4,
  RETRANS_TIME: 5,
  GC_STALETIME: 6,
  DELAY_PROBE_TIME: 7,
  QUEUE_LEN: 8,
  APP_PROBES: 9,
  UCAST_PROBES: 10,
  MCAST_PROBES: 11,
  ANYCAST_DELAY: 12,
  PROXY_DELAY: 13,
  PROXY_QLEN: 14,
  LOCKTIME: 15,
} as const;
export const NUD = {
  incomplete: 0x01,
  reachable: 0x02,
  stale: 0x04,
  delay: 0x08,
  probe: 0x10,
  failed: 0x20,
  noarp: 0x40,
  permanent: 0x80,
} as const;
export type NeighbourState = keyof typeof NUD;

/** Reverse lookup for a constant table: value → key. */
export function nameOf<T extends Record<string, number>>(table: T, value: number): keyof T | undefined {
  for (const [k, v] of Object.entries(table)) if (v === value) return k as keyof T;
  return undefined;
}
