// Two "hosts" as network namespaces joined by a veth "wire", with pods on each. Routed
// mode is Calico's (a /32 per pod behind proxy_arp, and between hosts either direct
// routes over the shared wire or an ipip tunl0 mesh); bridge mode is flannel's host-gw
// (a bridge per host with a gateway address, routes to the other host's pod subnet).
import { hostGwRoutes, ipipMesh, type Mesh, Netns, Rtnetlink, wireBridgePod, wireRoutedPod } from '@ctrkit/netns';

export type Mode = 'routed' | 'bridge';
export type Interhost = 'direct' | 'ipip';

export interface Pod {
  readonly name: string;
  readonly ns: Netns;
  readonly ip: string;
  readonly hostIfName: string;
}

export interface Host {
  readonly name: string;
  readonly ns: Netns;
  readonly rt: Rtnetlink;
  readonly wireIp: string;
  readonly podCidr: string;
  readonly pods: Pod[];
  mesh?: Mesh;
}

export interface Topology {
  readonly mode: Mode;
  readonly interhost: Interhost;
  readonly hosts: readonly Host[];
  teardown(): Promise<void>;
}

export interface BuildOptions {
  readonly mode: Mode;
  readonly interhost: Interhost;
  readonly podsPerHost: number;
  /** The second octet of every address used: 10.<net>.0.0/16 (pick one nothing else uses). */
  readonly net: number;
  /** A short tag that makes every namespace name unique to this run. */
  readonly tag: string;
}

export async function buildTopology(o: BuildOptions): Promise<Topology> {
  const created: Netns[] = [];
  const conns: Rtnetlink[] = [];
  const hosts: Host[] = [];
  const teardown = async () => {
    for (const c of conns.splice(0)) c.close();
    // Deleting a namespace removes every link in it, and with them the veth peers.
    for (const ns of created.splice(0).reverse()) await ns.delete().catch(() => {});
  };
  try {
    for (const [i, letter] of ['a', 'b'].entries()) {
      const ns = await Netns.create(`ctrkit-pn${o.tag}-${letter}`);
      created.push(ns);
      const rt = await Rtnetlink.open({ netns: ns });
      conns.push(rt);
      await rt.links.set('lo', { up: true });
      hosts.push({
        name: `host-${letter}`,
        ns,
        rt,
        wireIp: `10.${o.net}.0.${i + 1}`,
        podCidr: `10.${o.net}.${i + 1}.0/24`,
        pods: [],
      });
    }
    const [a, b] = hosts as [Host, Host];
    // The wire: one veth, an end in each host, both with an address in 10.<net>.0.0/24.
    await a.rt.links.add({ name: 'wire0', kind: 'veth', peer: { name: 'wire0', netns: b.ns } });
    for (const h of hosts) {
      await h.rt.addresses.add({ dev: 'wire0', address: `${h.wireIp}/24` });
      await h.rt.links.setInetConf('wire0', { forwarding: 1 });
      await h.rt.links.set('wire0', { up: true });
      // A default route over the wire, as a real host's uplink: Calico needs a route covering 169.254.1.1.
      const other = hosts.find((x) => x !== h)!;
      await h.rt.routes.add({ dst: 'default', gateway: other.wireIp, dev: 'wire0' });
    }
    for (const [i, h] of hosts.entries()) {
      const prefix = `10.${o.net}.${i + 1}`;
      for (let j = 0; j < o.podsPerHost; j++) {
        const ns = await Netns.create(`ctrkit-pn${o.tag}-${h.name.slice(-1)}${j}`);
        created.push(ns);
        const ip = `${prefix}.${10 + j}`;
        const wired =
          o.mode === 'routed'
            ? await wireRoutedPod({ host: h.rt, podNs: ns, podIp: ip })
            : await wireBridgePod({ host: h.rt, podNs: ns, bridge: 'cbr0', podIp: `${ip}/24`, gateway: `${prefix}.1` });
        h.pods.push({ name: `${h.name.slice(-1)}${j}`, ns, ip, hostIfName: wired.hostIfName });
      }
      // Pod traffic for the other host enters this host on the bridge: forwarding there is
      // host policy (wireBridgePod leaves host sysctls alone), set here as flannel's host does.
      if (o.mode === 'bridge') await h.rt.links.setInetConf('cbr0', { forwarding: 1 });
    }
    for (const h of hosts) {
      const peers = hosts.filter((x) => x !== h).map((x) => ({ hostIp: x.wireIp, podCidr: x.podCidr }));
      h.mesh =
        o.interhost === 'ipip'
          ? await ipipMesh({ rt: h.rt, localIp: h.wireIp, peers })
          : await hostGwRoutes({ rt: h.rt, dev: 'wire0', peers });
    }
    return { mode: o.mode, interhost: o.interhost, hosts, teardown };
  } catch (err) {
    await teardown();
    throw err;
  }
}
