// The flannel host-gw / CNI `bridge` pod shape: every pod's host-side veth is a port of
// one bridge that carries the gateway address; pods on the bridge reach each other at L2
// and everything else through the gateway.
//
//   pod netns                       host netns
//   eth0 10.22.0.5/24  <── veth ──> vethXXXX ──port──> cni0 10.22.0.1/24 (MAC pinned)
//   default via 10.22.0.1
import { inspect } from 'node:util';
import { parseAddress, parsePrefix } from '../codec/ip.js';
import { NetnsError } from '../errors.js';
import type { Rtnetlink } from '../rtnetlink.js';
import { hostIfNameFor } from './names.js';
import { Connections, isGone, type NsArg, type StepHook, StepRunner } from './steps.js';
import { vethQueues } from './veth-queues.js';

export interface BridgePodOptions {
  readonly hostNs?: NsArg;
  readonly podNs: NsArg;
  /** The bridge name; created (and its MAC pinned) if missing, like the CNI bridge plugin. */
  readonly bridge: string;
  /** The pod's address with its prefix, e.g. `10.22.0.5/24`. */
  readonly podIp: string;
  /** The gateway, put on the bridge if it is not there yet, e.g. `10.22.0.1`. */
  readonly gateway: string;
  /** @default 'eth0' */
  readonly podIfName?: string;
  /** @default `veth` + 11 hex of a hash of the pod namespace and podIfName */
  readonly hostIfName?: string;
  readonly mtu?: number;
  /**
   * Tx and rx queues on each veth end. Since Linux 5.15 the kernel otherwise makes one
   * per possible CPU (only one of each is used unless changed with ethtool), and creation
   * pays for every one; 1 is what kernels before 5.15 made. @default 1
   */
  readonly queues?: number;
  readonly host?: Rtnetlink;
  readonly pod?: Rtnetlink;
  readonly signal?: AbortSignal;
  readonly onStep?: StepHook;
}

export interface BridgePod {
  readonly bridge: string;
  readonly bridgeCreated: boolean;
  readonly hostIfName: string;
  readonly podIfName: string;
  readonly podMac: string;
  readonly podIp: string;
  readonly gateway: string;
}

export const BRIDGE_POD_STEPS = [
  'bridge',
  'bridge-address',
  'bridge-up',
  'veth',
  'port',
  'host-up',
  'pod-lo-up',
  'pod-up',
  'pod-address',
  'pod-default-route',
] as const;

/** Wires a pod onto a bridge; on failure removes what it created (a bridge it found stays). */
export async function wireBridgePod(opts: BridgePodOptions): Promise<BridgePod> {
  const podIfName = opts.podIfName ?? 'eth0';
  const queues = vethQueues(opts.queues);
  const hostIfName = opts.hostIfName ?? hostIfNameFor('veth', opts.podNs, podIfName);
  const ip = parsePrefix(opts.podIp, 'podIp');
  if (ip.family !== 2 || !opts.podIp.includes('/') || ip.length > 30) {
    throw new NetnsError(
      'ERR_INVALID_ARGUMENT',
      `podIp ${JSON.stringify(opts.podIp)} must be IPv4 with the bridge's prefix, such as 10.22.0.5/24`,
    );
  }
  parseAddress(opts.gateway, 'gateway');
  const gatewayCidr = `${opts.gateway}/${ip.length}`;
  const conns = new Connections();
  const run = new StepRunner(opts.onStep, opts.signal);
  try {
    const host = await conns.get(opts.host, opts.hostNs);
    const pod = await conns.get(opts.pod, opts.podNs);
    const podNs = await conns.netns(opts.podNs);
    try {
      const existing = await host.links.find(opts.bridge);
      if (existing && existing.kind !== 'bridge') {
        throw new NetnsError(
          'ERR_INVALID_ARGUMENT',
          `${opts.bridge} exists and is a ${existing.kind ?? 'device'}, not a bridge`,
        );
      }
      const bridgeCreated = await run.step(
        'bridge',
        async () => {
          if (existing) return false;
          await host.links.add({ name: opts.bridge, kind: 'bridge', mtu: opts.mtu });
          // Pin the MAC: otherwise a bridge takes the lowest port MAC and changes as ports churn.
          const br = await host.links.get(opts.bridge);
          if (br.address) await host.links.set(opts.bridge, { address: br.address });
          return true;
        },
        async (created) => {
          if (created) await host.links.del(opts.bridge);
        },
      );
      const addrs = await host.addresses.list({ dev: opts.bridge, family: 'inet' });
      await run.step(
        'bridge-address',
        async () => {
          if (addrs.some((a) => a.address === gatewayCidr)) return false;
          await host.addresses.add({ dev: opts.bridge, address: gatewayCidr, broadcast: true });
          return true;
        },
        async (added) => {
          if (added) await host.addresses.del({ dev: opts.bridge, address: gatewayCidr });
        },
      );
      await run.step('bridge-up', () => host.links.set(opts.bridge, { up: true }));
      await run.step(
        'veth',
        () =>
          host.links.add({
            name: hostIfName,
            kind: 'veth',
            mtu: opts.mtu,
            ...queues,
            peer: { name: podIfName, netns: podNs, mtu: opts.mtu, ...queues },
          }),
        () => host.links.del(hostIfName),
      );
      await run.step('port', () => host.links.set(hostIfName, { master: opts.bridge }));
      await run.step('host-up', () => host.links.set(hostIfName, { up: true }));
      const lo = await pod.links.get('lo');
      await run.step(
        'pod-lo-up',
        () => pod.links.set(lo.index, { up: true }),
        async () => {
          if (!lo.up) await pod.links.set(lo.index, { up: false });
        },
      );
      await run.step('pod-up', () => pod.links.set(podIfName, { up: true }));
      await run.step('pod-address', () => pod.addresses.add({ dev: podIfName, address: opts.podIp, broadcast: true }));
      await run.step('pod-default-route', () =>
        pod.routes.add({ dst: 'default', gateway: opts.gateway, dev: podIfName }),
      );
      const p = await pod.links.get(podIfName);
      const result: BridgePod = {
        bridge: opts.bridge,
        bridgeCreated,
        hostIfName,
        podIfName,
        podMac: p.address ?? '',
        podIp: opts.podIp,
        gateway: opts.gateway,
      };
      Object.defineProperty(result, inspect.custom, {
        enumerable: false,
        value: () =>
          `BridgePod ${result.podIp} ${podIfName} <-> ${hostIfName} port of ${result.bridge} via ${result.gateway}`,
      });
      return result;
    } catch (err) {
      return await run.rollback(err);
    }
  } finally {
    conns.close();
  }
}

/** Removes a bridge pod's veth (the bridge stays, as with the CNI bridge plugin). Idempotent. */
export async function unwireBridgePod(opts: {
  readonly hostNs?: NsArg;
  readonly host?: Rtnetlink;
  readonly hostIfName: string;
}): Promise<boolean> {
  const conns = new Connections();
  try {
    const host = await conns.get(opts.host, opts.hostNs);
    try {
      await host.links.del(opts.hostIfName);
      return true;
    } catch (err) {
      if (isGone(err)) return false;
      throw err;
    }
  } finally {
    conns.close();
  }
}
