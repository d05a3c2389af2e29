// The CNI 1.0 commands over the routed (Calico-style) wiring and the host-local IPAM
// store. Runtimes (containerd's CRI, cnitool) call the `ctrkit-cni` binary; these
// functions are what it runs, usable in-process too.
import { createHash } from 'node:crypto';
import { NetnsError } from '../errors.js';
import { Netns } from '../netns.js';
import { Rtnetlink } from '../rtnetlink.js';
import { CALICO_GATEWAY, unwireRoutedPod, wireRoutedPod } from '../topology/routed-pod.js';
import { HostLocalIpam, type IpamRange } from './ipam.js';
import { CNI_ERR, CNI_VERSION, type CniNetConf, type CniResult, SUPPORTED_VERSIONS } from './types.js';

/** A failure reported to the runtime as CNI error JSON with `cniCode`. */
export class CniError extends NetnsError {
  readonly cniCode: number;
  constructor(cniCode: number, message: string, options?: { cause?: unknown }) {
    super('ERR_CNI_CONFIG', message, options);
    this.cniCode = cniCode;
  }
}
Object.defineProperty(CniError.prototype, 'name', { value: 'CniError', enumerable: false });

export interface CniEnv {
  readonly command: 'ADD' | 'DEL' | 'CHECK' | 'VERSION';
  readonly containerId: string;
  readonly netns: string;
  readonly ifname: string;
}

export function readCniEnv(env: NodeJS.ProcessEnv = process.env): CniEnv {
  const command = env.CNI_COMMAND;
  if (command !== 'ADD' && command !== 'DEL' && command !== 'CHECK' && command !== 'VERSION') {
    throw new CniError(
      CNI_ERR.INVALID_ENV,
      `CNI_COMMAND must be ADD, DEL, CHECK or VERSION (got ${JSON.stringify(command)})`,
    );
  }
  const get = (k: string, required: boolean) => {
    const v = env[k] ?? '';
    if (required && v === '') throw new CniError(CNI_ERR.INVALID_ENV, `${k} is required for ${command}`);
    return v;
  };
  return {
    command,
    containerId: get('CNI_CONTAINERID', command !== 'VERSION'),
    // DEL may come without a netns (the sandbox is already gone): that is not an error.
    netns: get('CNI_NETNS', command === 'ADD' || command === 'CHECK'),
    ifname: get('CNI_IFNAME', command !== 'VERSION'),
  };
}

export function parseNetConf(text: string): CniNetConf {
  let conf: CniNetConf;
  try {
    conf = JSON.parse(text) as CniNetConf;
  } catch (err) {
    throw new CniError(CNI_ERR.DECODE, `the network configuration on stdin is not JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (
    typeof conf !== 'object' ||
    conf === null ||
    typeof conf.name !== 'string' ||
    typeof conf.cniVersion !== 'string'
  ) {
    throw new CniError(CNI_ERR.INVALID_CONFIG, 'the network configuration needs "cniVersion" and "name"');
  }
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(conf.cniVersion)) {
    throw new CniError(
      CNI_ERR.INCOMPATIBLE_VERSION,
      `cniVersion ${conf.cniVersion} is not supported (supported: ${SUPPORTED_VERSIONS.join(', ')})`,
    );
  }
  const q = conf.num_queues;
  if (q !== undefined && (!Number.isInteger(q) || q < 1 || q > 4096)) {
    throw new CniError(CNI_ERR.INVALID_CONFIG, `num_queues ${JSON.stringify(q)} must be an integer from 1 to 4096`);
  }
  return conf;
}

function range(conf: CniNetConf): IpamRange {
  const r = conf.ipam?.ranges?.[0]?.[0] ?? conf.ipam;
  if (!r?.subnet)
    throw new CniError(
      CNI_ERR.INVALID_CONFIG,
      'ipam.subnet (or ipam.ranges[0][0].subnet) is required, e.g. "10.22.0.0/24"',
    );
  return r as IpamRange;
}

function ipam(conf: CniNetConf): HostLocalIpam {
  return new HostLocalIpam(conf.ipam?.dataDir ?? '/var/lib/cni/networks', conf.name, range(conf));
}

/** `cali` + 11 hex of sha1(containerID, ifname): stable, so DEL and CHECK find it again. */
export function cniHostIfName(containerId: string, ifname: string): string {
  return `cali${createHash('sha1').update(`${containerId}\0${ifname}`).digest('hex').slice(0, 11)}`;
}

function versioned(conf: CniNetConf, r: Omit<CniResult, 'cniVersion'>): CniResult {
  // Before 1.0.0, each ip carried "version": "4".
  const ips = conf.cniVersion === '1.0.0' ? r.ips : r.ips.map((ip) => ({ ...ip, version: '4' }));
  return { cniVersion: conf.cniVersion, ...r, ips };
}

/** ADD: reserve an address, wire the pod; on failure release it (the wiring rolls itself back). */
export async function cniAdd(env: CniEnv, conf: CniNetConf): Promise<CniResult> {
  const store = ipam(conf);
  const ip = await store.allocate(env.containerId, env.ifname);
  const hostIfName = cniHostIfName(env.containerId, env.ifname);
  try {
    // A host veth left by an earlier, interrupted ADD of this container would make the
    // veth step fail with EEXIST; as Calico does (cni-plugin#275), remove it first.
    await unwireRoutedPod({ hostIfName });
    const pod = await wireRoutedPod({
      podNs: env.netns,
      podIfName: env.ifname,
      hostIfName,
      podIp: ip,
      mtu: conf.mtu,
      queues: conf.num_queues,
    });
    return versioned(conf, {
      interfaces: [
        { name: pod.hostIfName, mac: pod.hostMac },
        { name: pod.podIfName, mac: pod.podMac, sandbox: env.netns },
      ],
      ips: [{ address: `${ip}/32`, gateway: pod.gateway, interface: 1 }],
      routes: [{ dst: '0.0.0.0/0', gw: pod.gateway }],
      dns: {},
    });
  } catch (err) {
    await store.release(env.containerId, env.ifname);
    throw err;
  }
}

/** DEL: idempotent — a missing netns, link or reservation is success. */
export async function cniDel(env: CniEnv, conf: CniNetConf): Promise<void> {
  await unwireRoutedPod({ hostIfName: cniHostIfName(env.containerId, env.ifname) });
  await ipam(conf).release(env.containerId, env.ifname);
}

/** CHECK: the wiring in prevResult is still in place on both sides. */
export async function cniCheck(env: CniEnv, conf: CniNetConf): Promise<void> {
  const prev = conf.prevResult;
  const fail = (what: string) => new CniError(CNI_ERR.CHECK_FAILED, `CHECK ${env.containerId}: ${what}`);
  if (!prev || !Array.isArray(prev.ips)) throw new CniError(CNI_ERR.INVALID_CONFIG, 'CHECK needs prevResult from ADD');
  const hostIfName = cniHostIfName(env.containerId, env.ifname);
  const host = await Rtnetlink.open();
  try {
    const link = await host.links.find(hostIfName);
    if (!link?.up) throw fail(`host interface ${hostIfName} is missing or down`);
    if (link.inetConf.proxy_arp !== 1) throw fail(`proxy_arp is off on ${hostIfName}`);
  } finally {
    host.close();
  }
  const ns = await Netns.open(env.netns).catch((err: unknown) => {
    throw fail(`network namespace ${env.netns} is gone (${(err as Error).message})`);
  });
  const pod = await Rtnetlink.open({ netns: ns });
  try {
    const addrs = (await pod.addresses.list({ dev: env.ifname, family: 'inet' }).catch(() => [])).map((a) => a.address);
    for (const ip of prev.ips)
      if (!addrs.includes(ip.address))
        throw fail(`${ip.address} is not on ${env.ifname} (found ${addrs.join(', ') || 'none'})`);
    const routes = await pod.routes.list();
    if (!routes.some((r) => r.dst === 'default' && r.gateway === CALICO_GATEWAY))
      throw fail(`no default route via ${CALICO_GATEWAY}`);
  } finally {
    pod.close();
    ns.close();
  }
}

export function cniVersionInfo(): { cniVersion: string; supportedVersions: string[] } {
  return { cniVersion: CNI_VERSION, supportedVersions: [...SUPPORTED_VERSIONS] };
}
