// Routes to other hosts' pod CIDRs: through an ipip tunnel (Calico's tunl0, with onlink
// routes via each peer's host address), or directly over a shared L2 link (flannel
// host-gw). Both roll back what they added when a step fails.
import { inspect } from 'node:util';
import { parseAddress, parsePrefix } from '../codec/ip.js';
import { isNetlinkErrno, NetnsError } from '../errors.js';
import type { Rtnetlink } from '../rtnetlink.js';
import { Connections, type NsArg, type StepHook, StepRunner } from './steps.js';

export interface MeshPeer {
  /** The other host's underlay address. */
  readonly hostIp: string;
  /** The pod CIDR behind it, e.g. 10.65.1.0/24. */
  readonly podCidr: string;
}

export interface IpipMeshOptions {
  readonly netns?: NsArg;
  readonly rt?: Rtnetlink;
  /** @default 'tunl0' (the ipip module's fallback device, reused if present, as felix does) */
  readonly name?: string;
  /** This host's underlay address (the tunnel's local end). */
  readonly localIp: string;
  readonly peers: readonly MeshPeer[];
  /** Underlay MTU − 20 is right. @default 1480 */
  readonly mtu?: number;
  /** A /32 for the tunnel, the source of host→pod traffic (felix's tunnel address). */
  readonly address?: string;
  readonly signal?: AbortSignal;
  readonly onStep?: StepHook;
}

export interface Mesh {
  readonly dev: string;
  readonly routes: readonly { dst: string; gateway: string }[];
  /** Removes the routes (and the tunnel if this call created it). Idempotent. */
  teardown(): Promise<void>;
}

function validatePeers(peers: readonly MeshPeer[]): void {
  for (const p of peers) {
    parseAddress(p.hostIp, 'peer hostIp');
    parsePrefix(p.podCidr, 'peer podCidr');
  }
}

/** `tunl0` with `local`, MTU, optional /32, and `podCidr via hostIp dev tunl0 onlink` per peer. */
export async function ipipMesh(opts: IpipMeshOptions): Promise<Mesh> {
  const name = opts.name ?? 'tunl0';
  parseAddress(opts.localIp, 'localIp');
  validatePeers(opts.peers);
  const conns = new Connections();
  const run = new StepRunner(opts.onStep, opts.signal);
  try {
    const r = await conns.get(opts.rt, opts.netns);
    const created = await run.step(
      'tunnel',
      async () => {
        try {
          await r.links.add({ name, kind: 'ipip', ipip: { local: opts.localIp, pmtudisc: true } });
          return true;
        } catch (err) {
          if (isNetlinkErrno(err, 'EOPNOTSUPP')) {
            throw new NetnsError(
              'ERR_UNSUPPORTED',
              'this kernel cannot create ipip links (no CONFIG_NET_IPIP / ipip module); use direct routes (hostGwRoutes) or a kernel with ipip',
              { cause: err },
            );
          }
          // The ipip module creates tunl0 in every namespace; felix reconciles it instead.
          if (name === 'tunl0' && isNetlinkErrno(err, 'EEXIST')) return false;
          throw err;
        }
      },
      async (made) => {
        if (made) await r.links.del(name);
      },
    );
    await run.step('tunnel-mtu', () => r.links.set(name, { mtu: opts.mtu ?? 1480 }));
    if (opts.address !== undefined) {
      const address = opts.address;
      await run.step(
        'tunnel-address',
        () => r.addresses.replace({ dev: name, address }),
        () => r.addresses.del({ dev: name, address }),
      );
    }
    // Decapsulated packets enter on the tunnel and are forwarded to the pods' veths.
    await run.step('tunnel-forwarding', () => r.links.setInetConf(name, { forwarding: 1 }));
    await run.step('tunnel-up', () => r.links.set(name, { up: true }));
    const routes = await addRoutes(run, r, name, opts.peers, true);
    return mesh(name, routes, () =>
      withConnection(opts, async (x) => {
        await removeRoutes(x, name, routes);
        if (created) await x.links.del(name).catch(ignoreGone);
      }),
    );
  } catch (err) {
    return await run.rollback(err);
  } finally {
    conns.close();
  }
}

async function withConnection(
  opts: { rt?: Rtnetlink; netns?: NsArg },
  fn: (rt: Rtnetlink) => Promise<void>,
): Promise<void> {
  const conns = new Connections();
  try {
    await fn(await conns.get(opts.rt, opts.netns));
  } finally {
    conns.close();
  }
}

export interface HostGwOptions {
  readonly netns?: NsArg;
  readonly rt?: Rtnetlink;
  /** The underlay device the peers are directly reachable on. */
  readonly dev: string;
  readonly peers: readonly MeshPeer[];
  readonly signal?: AbortSignal;
  readonly onStep?: StepHook;
}

/**
 * flannel host-gw: `podCidr via hostIp dev DEV` per peer, without onlink, so the kernel
 * refuses (ENETUNREACH, reported as ERR_PREFLIGHT) a peer that is not on DEV's subnet.
 */
export async function hostGwRoutes(opts: HostGwOptions): Promise<Mesh> {
  validatePeers(opts.peers);
  const conns = new Connections();
  const run = new StepRunner(opts.onStep, opts.signal);
  try {
    const rt = await conns.get(opts.rt, opts.netns);
    try {
      const routes = await addRoutes(run, rt, opts.dev, opts.peers, false);
      return mesh(opts.dev, routes, () => withConnection(opts, (x) => removeRoutes(x, opts.dev, routes)));
    } catch (err) {
      if (isNetlinkErrno(err, 'ENETUNREACH')) {
        return await run.rollback(
          new NetnsError(
            'ERR_PREFLIGHT',
            `a peer is not directly reachable on ${opts.dev} (not L2-adjacent); host-gw needs peers on the same subnet, use ipipMesh otherwise`,
            {
              cause: err,
            },
          ),
        );
      }
      return await run.rollback(err);
    }
  } finally {
    conns.close();
  }
}

async function addRoutes(run: StepRunner, rt: Rtnetlink, dev: string, peers: readonly MeshPeer[], onlink: boolean) {
  const routes: { dst: string; gateway: string }[] = [];
  for (const p of peers) {
    await run.step(
      `route ${p.podCidr}`,
      () => rt.routes.replace({ dst: p.podCidr, gateway: p.hostIp, dev, onlink }),
      () => rt.routes.del({ dst: p.podCidr, gateway: p.hostIp, dev }),
    );
    routes.push({ dst: p.podCidr, gateway: p.hostIp });
  }
  return routes;
}

async function removeRoutes(rt: Rtnetlink, dev: string, routes: readonly { dst: string; gateway: string }[]) {
  for (const r of routes) await rt.routes.del({ dst: r.dst, gateway: r.gateway, dev }).catch(ignoreGone);
}

function ignoreGone(err: unknown): void {
  if (
    isNetlinkErrno(err, 'ESRCH') ||
    isNetlinkErrno(err, 'ENODEV') ||
    (err instanceof NetnsError && err.code === 'ERR_LINK_NOT_FOUND')
  )
    return;
  throw err;
}

function mesh(dev: string, routes: { dst: string; gateway: string }[], teardown: () => Promise<void>): Mesh {
  let done = false;
  return {
    dev,
    routes,
    async teardown() {
      if (done) return;
      await teardown();
      done = true;
    },
    [inspect.custom]: () => `Mesh ${dev}: ${routes.map((r) => `${r.dst} via ${r.gateway}`).join(', ')}`,
  } as Mesh;
}
