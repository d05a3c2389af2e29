// RTM_SETNEIGHTBL: per-device neighbour-table parameters (`ip ntable change`), laid out as
// iproute2 6.1 sends them. These are the values behind net.ipv4.neigh.<dev>.* (proxy_delay,
// locktime, ...) set over rtnetlink, so no /proc/sys file has to be opened in the namespace.
import { invalid } from '../errors.js';
import { AF, NDTA, NDTPA, NLM_F, RTM } from './constants.js';
import { buildMessage } from './message.js';

/** `ip ntable change` parameter names; times are in milliseconds (unlike /proc/sys, which uses 1/100 s for some). */
export interface NeighTableParms {
  readonly base_reachable?: number;
  readonly retrans?: number;
  readonly gc_stale?: number;
  readonly delay_probe?: number;
  readonly queue?: number;
  readonly app_probes?: number;
  readonly ucast_probes?: number;
  readonly mcast_probes?: number;
  readonly anycast_delay?: number;
  readonly proxy_delay?: number;
  readonly proxy_queue?: number;
  readonly locktime?: number;
}

// Each name's attribute and width: times are u64 msecs, counts u32 (linux/neighbour.h).
const PARMS: Record<keyof NeighTableParms, readonly [number, 'u32' | 'u64']> = {
  base_reachable: [NDTPA.BASE_REACHABLE_TIME, 'u64'],
  retrans: [NDTPA.RETRANS_TIME, 'u64'],
  gc_stale: [NDTPA.GC_STALETIME, 'u64'],
  delay_probe: [NDTPA.DELAY_PROBE_TIME, 'u64'],
  queue: [NDTPA.QUEUE_LEN, 'u32'],
  app_probes: [NDTPA.APP_PROBES, 'u32'],
  ucast_probes: [NDTPA.UCAST_PROBES, 'u32'],
  mcast_probes: [NDTPA.MCAST_PROBES, 'u32'],
  anycast_delay: [NDTPA.ANYCAST_DELAY, 'u64'],
  proxy_delay: [NDTPA.PROXY_DELAY, 'u64'],
  proxy_queue: [NDTPA.PROXY_QLEN, 'u32'],
  locktime: [NDTPA.LOCKTIME, 'u64'],
};

export interface NeighTableRequest {
  /** 'arp_cache' (IPv4) or 'ndisc_cache' (IPv6). */
  readonly table: 'arp_cache' | 'ndisc_cache';
  readonly index: number;
  readonly parms: NeighTableParms;
}

/** Equivalent to: `ip ntable change name TABLE dev X PARM VALUE ...`. */
export function encodeNeighTableChange(req: NeighTableRequest): Buffer {
  if (req.table !== 'arp_cache' && req.table !== 'ndisc_cache')
    throw invalid('neighbour table', req.table, "use 'arp_cache' or 'ndisc_cache'");
  if (!Number.isInteger(req.index) || req.index <= 0)
    throw invalid('link index', req.index, 'per-device parameters need the ifindex');
  const entries = Object.entries(req.parms);
  if (entries.length === 0) throw invalid('ntable parms', req.parms, 'name at least one, such as { proxy_delay: 0 }');
  // AF_UNSPEC, as iproute2: the kernel then finds the table by name alone.
  return buildMessage(RTM.SETNEIGHTBL, NLM_F.REQUEST | NLM_F.ACK | NLM_F.REPLACE, (w) => {
    w.u8(AF.UNSPEC).u8(0).u16(0);
    w.attrString(NDTA.NAME, req.table);
    w.nest(NDTA.PARMS, () => {
      w.attrU32(NDTPA.IFINDEX, req.index);
      for (const [name, value] of entries) {
        const spec = PARMS[name as keyof NeighTableParms];
        if (spec === undefined) throw invalid('ntable parameter', name, `use one of ${Object.keys(PARMS).join(', ')}`);
        const max = spec[1] === 'u32' ? 0xffffffff : Number.MAX_SAFE_INTEGER;
        if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > max)
          throw invalid(`ntable ${name}`, value, 'use a non-negative integer');
        if (spec[1] === 'u32') w.attrU32(spec[0], value as number);
        else w.attrU64(spec[0], value as number);
      }
    });
  });
}
