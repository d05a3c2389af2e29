// The Calico L3 pod wiring (shared/reference/netns.md §5), over rtnetlink only:
//
//   pod netns                         host netns
//   eth0 10.65.0.5/32  <── veth ──>   caliXXXXXXXXXXX (no address, proxy_arp=1,
//   169.254.1.1 dev eth0 scope link                    proxy_delay=0, forwarding=1)
//   default via 169.254.1.1 dev eth0   10.65.0.5 dev caliXXXXXXXXXXX scope link
//
// The pod ARPs for 169.254.1.1, an address nobody has; the host veth answers with its
// own MAC because proxy_arp is on and the host has a unicast route covering 169.254.1.1
// through another device. Every packet then goes to the host, which routes it.
import { inspect } from 'node:util';
import { parsePrefix } from '../codec/ip.js';
import { decodeLinkBrief, encodeLinkGet, encodeLinkSet, type LinkBrief } from '../codec/link-codec.js';
import { NetnsError } from '../errors.js';
import type { Rtnetlink } from '../rtnetlink.js';
import { hostIfNameFor } from './names.js';
import { Connections, isGone, type NsArg, type StepHook, StepRunner } from './steps.js';
import { vethQueues } from './veth-queues.js';

export const CALICO_GATEWAY = '169.254.1.1';

export interface RoutedPodOptions {
  /** The namespace playing the host. @default the caller's */
  readonly hostNs?: NsArg;
  readonly podNs: NsArg;
  /** @default 'eth0' */
  readonly podIfName?: string;
  /** @default `cali` + 11 hex of a hash of the pod namespace and podIfName */
  readonly hostIfName?: string;
  /** The pod's address; a bare address or a /32. */
  readonly podIp: string;
  readonly mtu?: number;
  /**
   * Tx and rx queues on each veth end. Since Linux 5.15 the kernel otherwise makes one
   * per possible CPU (only one of each is used unless changed with ethtool), and creation
   * pays for every one; 1 is what kernels before 5.15 made. @default 1
   */
  readonly queues?: number;
  /** MAC of the host side (Calico pins ee:ee:ee:ee:ee:ee). @default kernel-chosen */
  readonly hostMac?: string;
  /** @default 169.254.1.1 */
  readonly gateway?: string;
  /** Skip the check that the host can proxy-ARP for the gateway (a unicast route covering it). */
  readonly skipPreflight?: boolean;
  /** Reuse open connections (one per namespace) instead of opening new ones. */
  readonly host?: Rtnetlink;
  readonly pod?: Rtnetlink;
  readonly signal?: AbortSignal;
  /** Called before each step (tests inject failures here). */
  readonly onStep?: StepHook;
}

export interface RoutedPod {
  readonly hostIfName: string;
  readonly hostIfIndex: number;
  readonly hostMac: string;
  readonly podIfName: string;
  readonly podIfIndex: number;
  readonly podMac: string;
  readonly podIp: string;
  readonly gateway: string;
}

/** The steps of wireRoutedPod, in order (the names passed to onStep). */
export const ROUTED_POD_STEPS = [
  'preflight',
  // The host end is created up (a veth peer cannot be: the kernel opens it before the pair is joined).
  'veth',
  'host-inet-conf',
  'host-proxy-delay',
  'host-route',
  'pod-lo-up',
  'pod-up',
  'pod-address',
  'pod-gateway-route',
  'pod-default-route',
] as const;

/** Wires a pod in the Calico routed style; on any failure removes everything it created. */
export async function wireRoutedPod(opts: RoutedPodOptions): Promise<RoutedPod> {
  const podIfName = opts.podIfName ?? 'eth0';
  const queues = vethQueues(opts.queues);
  const gateway = opts.gateway ?? CALICO_GATEWAY;
  const hostIfName = opts.hostIfName ?? hostIfNameFor('cali', opts.podNs, podIfName);
  const ip = parsePrefix(opts.podIp, 'podIp');
  if (ip.family !== 2 || (opts.podIp.includes('/') && ip.length !== 32)) {
    throw new NetnsError(
      'ERR_INVALID_ARGUMENT',
      `podIp ${JSON.stringify(opts.podIp)} must be one IPv4 address (or a /32)`,
    );
  }
  const podAddr = opts.podIp.split('/')[0] ?? opts.podIp;
  const conns = new Connections();
  const run = new StepRunner(opts.onStep, opts.signal);
  // The pod's socket is opened first (it takes 35-70 µs); it is awaited only once the host
  // side has been created, so that a failure of either is handled in one place.
  const podConn = conns.get(opts.pod, opts.podNs);
  podConn.catch(() => {});
  try {
    const host = await conns.get(opts.host, opts.hostNs);
    const podNs = await conns.netns(opts.podNs);
    try {
      // One datagram: the check, the creation, and the read-back of the host end (its index,
      // MAC and, as IFLA_LINK, the pod end's index), so no request after it needs a lookup.
      // The kernel answers the check first; when it fails, the rollback removes the veth.
      let readBack: Promise<LinkBrief | undefined> = Promise.resolve(undefined);
      await run.pipeline(
        [
          { name: 'preflight', fn: () => (opts.skipPreflight ? Promise.resolve() : preflight(host, gateway)) },
          {
            name: 'veth',
            fn: () => {
              const created = host.links.add({
                name: hostIfName,
                kind: 'veth',
                up: true,
                mtu: opts.mtu,
                address: opts.hostMac,
                ...queues,
                peer: { name: podIfName, netns: podNs, mtu: opts.mtu, ...queues },
              });
              readBack = readLink(host, hostIfName);
              readBack.catch(() => {}); // awaited below, once the creation is known to have worked
              return created;
            },
            undo: () => host.links.del(hostIfName),
          },
        ],
        host.batch.bind(host),
      );
      const h = await readBack;
      if (h?.link === undefined) {
        throw new NetnsError(
          'ERR_LINK_NOT_FOUND',
          `veth ${hostIfName} (or its peer) vanished right after it was created`,
        );
      }
      const podIndex: number = h.link;
      let podMac = '';
      // The host side and the pod side are independent: each chain goes out as one
      // datagram on its own socket, in the order the kernel needs. The host's goes first,
      // while the pod's socket may still be opening.
      const hostChain = run.pipeline(
        [
          {
            name: 'host-inet-conf',
            fn: () => host.links.setInetConf(h.index, { proxy_arp: 1, forwarding: 1, route_localnet: 1 }),
          },
          { name: 'host-proxy-delay', fn: () => host.neighbours.setParms(h.index, { proxy_delay: 0 }) },
          { name: 'host-route', fn: () => host.routes.add({ dst: `${podAddr}/32`, dev: h.index, scope: 'link' }) },
        ],
        host.batch.bind(host),
      );
      // Settled below; until then a failure must not count as an unhandled rejection.
      hostChain.catch(() => {});
      const pod = await podConn.catch(async (err: unknown) => {
        await hostChain.catch(() => {}); // settled (and its undos registered) before the rollback
        throw err;
      });
      const podChain = run.pipeline(
        [
          {
            name: 'pod-lo-up',
            // Read lo first (same datagram) so that a rollback restores what was there.
            fn: () => {
              const before = readLink(pod, 'lo');
              const up = pod.request(encodeLinkSet({ index: 0, ifname: 'lo', up: true }), {
                operation: 'ip link set dev lo up',
              });
              return Promise.all([before, up]).then(([lo]) => lo);
            },
            undo: async (lo) => {
              if (!(lo as LinkBrief | undefined)?.up) await pod.links.set('lo', { up: false });
            },
          },
          {
            name: 'pod-up',
            fn: () =>
              Promise.all([pod.links.set(podIndex, { up: true }), readLink(pod, podIndex)]).then(([, link]) => {
                podMac = link?.address ?? '';
              }),
          },
          { name: 'pod-address', fn: () => pod.addresses.add({ dev: podIndex, address: `${podAddr}/32` }) },
          // Order matters: the default route via the gateway is ENETUNREACH until this exists.
          {
            name: 'pod-gateway-route',
            fn: () => pod.routes.add({ dst: `${gateway}/32`, dev: podIndex, scope: 'link' }),
          },
          { name: 'pod-default-route', fn: () => pod.routes.add({ dst: 'default', gateway, dev: podIndex }) },
        ],
        pod.batch.bind(pod),
      );
      const [hr, pr] = await Promise.allSettled([hostChain, podChain]);
      if (hr.status === 'rejected') throw hr.reason;
      if (pr.status === 'rejected') throw pr.reason;
      return describePod({
        hostIfName,
        hostIfIndex: h.index,
        hostMac: h.address ?? '',
        podIfName,
        podIfIndex: podIndex,
        podMac,
        podIp: podAddr,
        gateway,
      });
    } catch (err) {
      return await run.rollback(err);
    }
  } finally {
    await podConn.catch(() => {});
    conns.close();
  }
}

export interface UnwireRoutedPodOptions {
  readonly hostNs?: NsArg;
  readonly host?: Rtnetlink;
  /** Only used to derive the default hostIfName. */
  readonly podNs?: NsArg;
  readonly podIfName?: string;
  readonly hostIfName?: string;
}

/**
 * Removes a routed pod's wiring: deleting the host veth removes the pod's eth0 and both
 * sides' routes with it. Idempotent: true when something was removed, false if it was gone.
 */
export async function unwireRoutedPod(opts: UnwireRoutedPodOptions): Promise<boolean> {
  const hostIfName =
    opts.hostIfName ??
    (opts.podNs === undefined ? undefined : hostIfNameFor('cali', opts.podNs, opts.podIfName ?? 'eth0'));
  if (hostIfName === undefined)
    throw new NetnsError('ERR_INVALID_ARGUMENT', 'unwireRoutedPod needs hostIfName or podNs');
  const conns = new Connections();
  try {
    const host = await conns.get(opts.host, opts.hostNs);
    try {
      await host.links.del(hostIfName);
      return true;
    } catch (err) {
      if (isGone(err)) return false;
      throw err;
    }
  } finally {
    conns.close();
  }
}

/** One RTM_GETLINK, sent at once, read only for what the wiring needs (the replies are ~1.5 KB). */
async function readLink(rt: Rtnetlink, ref: string | number): Promise<LinkBrief | undefined> {
  const [m] = await rt.request(encodeLinkGet(ref), { operation: `ip link show dev ${ref}` });
  return m && decodeLinkBrief(m);
}

/** The host must route 169.254.1.1 as unicast out of another device, or proxy ARP stays silent. */
async function preflight(host: Rtnetlink, gateway: string): Promise<void> {
  const r = await host.routes.get(gateway).catch((err: unknown) => {
    throw new NetnsError(
      'ERR_PREFLIGHT',
      `the host namespace has no route to ${gateway}, so it will not answer the pod's ARP for its gateway (calico#3270); add a default route through the uplink first`,
      { cause: err },
    );
  });
  if (r.type !== 'unicast') {
    throw new NetnsError(
      'ERR_PREFLIGHT',
      `the host's route to ${gateway} is ${r.type}, not unicast, so proxy ARP will not answer (calico#3270); add a unicast default route through the uplink`,
    );
  }
}

function describePod(p: RoutedPod): RoutedPod {
  Object.defineProperty(p, inspect.custom, {
    enumerable: false,
    value: () =>
      `RoutedPod ${p.podIp} ${p.podIfName}(${p.podMac}) <-> host ${p.hostIfName}(${p.hostMac}) via ${p.gateway}`,
  });
  return p;
}
