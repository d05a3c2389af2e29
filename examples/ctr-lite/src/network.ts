// `--net pod`: a network namespace per container, wired in the routed (Calico) style
// by @ctrkit/netns — a veth whose host end has no address, proxy_arp and a /32 route,
// and in the pod `default via 169.254.1.1 dev eth0`. `--host-netns` names the namespace
// that plays the host (tests and the demo use one; by default it is the caller's own).
import { basename, dirname } from 'node:path';
import { HostLocalIpam, NETNS_RUN_DIR, Netns, unwireRoutedPod, wireRoutedPod } from '@ctrkit/netns';
import type { StatePaths } from './state.js';

export const POD_SUBNET = '10.88.0.0/24';

export interface PodNetwork {
  readonly netns: string;
  readonly podIp: string;
  readonly hostIfName: string;
  readonly hostNetns?: string;
}

/** `cali` + 11 characters of the id: interface names are at most 15 characters. */
export function hostIfNameFor(id: string): string {
  return `cali${id.replace(/[^a-zA-Z0-9]/g, '').slice(0, 11)}`;
}

function ipam(paths: StatePaths): HostLocalIpam {
  return new HostLocalIpam(paths.ipam, 'ctr-lite', { subnet: POD_SUBNET });
}

export async function setupPodNetwork(
  paths: StatePaths,
  id: string,
  opts: { ip?: string; hostNetns?: string },
): Promise<PodNetwork> {
  const pool = ipam(paths);
  const podIp = opts.ip ?? (await pool.allocate(id, 'eth0'));
  const ns = await Netns.create(`ctrkit-${id}`);
  const hostIfName = hostIfNameFor(id);
  try {
    await wireRoutedPod({
      ...(opts.hostNetns ? { hostNs: opts.hostNetns } : {}),
      podNs: ns,
      podIfName: 'eth0',
      hostIfName,
      podIp,
    });
  } catch (err) {
    await ns.delete().catch(() => {});
    if (!opts.ip) await pool.release(id, 'eth0').catch(() => {});
    throw err;
  } finally {
    ns.close();
  }
  return { netns: ns.path, podIp, hostIfName, ...(opts.hostNetns ? { hostNetns: opts.hostNetns } : {}) };
}

/** Idempotent: removes the wiring, the namespace and the address lease if present. */
export async function teardownPodNetwork(
  paths: StatePaths,
  id: string,
  net: { netns?: string; hostIfName?: string; hostNetns?: string },
): Promise<void> {
  if (net.hostIfName) {
    await unwireRoutedPod({ ...(net.hostNetns ? { hostNs: net.hostNetns } : {}), hostIfName: net.hostIfName });
  }
  if (net.netns) {
    // Opened by name, so that delete() also unmounts and removes /run/netns/NAME.
    const ref = dirname(net.netns) === NETNS_RUN_DIR ? basename(net.netns) : net.netns;
    const ns = await Netns.open(ref).catch(() => null);
    await ns?.delete();
  }
  await ipam(paths).release(id, 'eth0');
}
