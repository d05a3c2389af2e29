// 20 pods wired in the Calico routed style on a namespace playing the host: the full
// ping matrix, ARP for 169.254.1.1 answered with the host veth's MAC, the host-side
// state, and a teardown that leaves nothing behind.
import { requires, threadsOutsideNamespace, uniqueName } from '@ctrkit/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Netns, ROUTED_POD_STEPS, type RoutedPod, Rtnetlink, unwireRoutedPod, wireRoutedPod } from '../src/index.js';
import { eventually, type FakeHost, fakeHost, netnsExists, pingAll, pool, subnet } from './helpers/net.js';

const gate = requires('root', 'link:veth', 'binary:ping', 'binary:nsenter');

describe.runIf(gate.ok)('wireRoutedPod (Calico style) on a namespace playing the host', () => {
  let host: FakeHost;
  const pods: { ns: Netns; pod: RoutedPod }[] = [];
  const net = subnet();

  beforeAll(async () => {
    host = await fakeHost();
  });

  afterAll(async () => {
    for (const p of pods) await p.ns.delete();
    await host?.close();
  });

  afterEach(() => {
    // No JS or libuv thread may have been moved into a pod or host namespace.
    expect(threadsOutsideNamespace('net')).toEqual([]);
  });

  it('wires 20 pods and each pings the host and every other pod', async () => {
    for (let i = 0; i < 20; i++) {
      const ns = await Netns.create(uniqueName('p'));
      try {
        const pod = await wireRoutedPod({
          hostNs: host.ns,
          host: host.rt,
          podNs: ns,
          podIp: `${net}.${10 + i}`,
          mtu: 1450,
        });
        pods.push({ ns, pod });
      } catch (err) {
        await ns.delete();
        throw err;
      }
    }
    const failed = await pool(pods, 4, async (a) => {
      const targets = [host.address, ...pods.filter((b) => b !== a).map((b) => b.pod.podIp)];
      expect(targets).toHaveLength(20);
      return (await pingAll(a.ns, targets)).map((ip) => `${a.pod.podIp} -> ${ip}`);
    });
    expect(failed.flat()).toEqual([]);
  });

  it('the pod resolved 169.254.1.1 to the host veth MAC (proxy ARP)', async () => {
    for (const { ns, pod } of pods) {
      const rt = await Rtnetlink.open({ netns: ns });
      try {
        const n = (await rt.neighbours.list({ family: 'inet' })).find((e) => e.address === '169.254.1.1');
        expect(n?.lladdr).toBe(pod.hostMac);
        const routes = await rt.routes.list();
        expect(routes).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ dst: 'default', gateway: '169.254.1.1', oif: pod.podIfIndex }),
            expect.objectContaining({ dst: '169.254.1.1/32', scope: 253, oif: pod.podIfIndex }),
          ]),
        );
        // One tx and one rx queue on each end (not the kernel's one per possible CPU).
        expect(await rt.links.get('eth0')).toMatchObject({ mtu: 1450, numTxQueues: 1, numRxQueues: 1 });
        expect(await host.rt.links.get(pod.hostIfName)).toMatchObject({ numTxQueues: 1, numRxQueues: 1 });
      } finally {
        rt.close();
      }
    }
  });

  it('the host side has no address, proxy_arp=1, proxy_delay=0 and a /32 scope-link route', async () => {
    const { pod } = pods[0]!;
    const link = await host.rt.links.get(pod.hostIfName);
    expect(link.inetConf).toMatchObject({ proxy_arp: 1, forwarding: 1, route_localnet: 1 });
    expect(await host.rt.links.getNeighConf(pod.hostIfName, 'proxy_delay')).toBe(0);
    expect(await host.rt.addresses.list({ dev: pod.hostIfName, family: 'inet' })).toEqual([]);
    expect(await host.rt.routes.list({ dev: pod.hostIfName })).toEqual([
      expect.objectContaining({ dst: `${pod.podIp}/32`, scope: 253 }),
    ]);
  });

  it('teardown leaves no interface, route or namespace', async () => {
    const names = pods.map((p) => p.ns.name!);
    for (const { pod } of pods) expect(await unwireRoutedPod({ host: host.rt, hostIfName: pod.hostIfName })).toBe(true);
    // Idempotent.
    expect(await unwireRoutedPod({ host: host.rt, hostIfName: pods[0]!.pod.hostIfName })).toBe(false);
    for (const p of pods) await p.ns.delete();
    pods.length = 0;
    expect(names.filter(netnsExists)).toEqual([]);
    const clean = await eventually(async () => {
      const links = await host.rt.links.list();
      const routes = await host.rt.routes.list();
      return links.every((l) => !l.name.startsWith('cali')) && routes.every((r) => !r.dst.startsWith(`${net}.`));
    });
    expect(clean).toBe(true);
  });

  it('a failure injected at each step leaves nothing behind', async () => {
    const before = (await host.rt.links.list()).map((l) => l.name).sort();
    for (const failAt of ROUTED_POD_STEPS) {
      const ns = await Netns.create(uniqueName('f'));
      try {
        const err = await wireRoutedPod({
          host: host.rt,
          podNs: ns,
          podIp: `${net}.200`,
          onStep: (s) => {
            if (s === failAt) throw new Error(`injected at ${s}`);
          },
        }).catch((e: unknown) => e);
        expect((err as Error).message).toBe(`injected at ${failAt}`);
        expect((await host.rt.links.list()).map((l) => l.name).sort()).toEqual(before);
        expect((await host.rt.routes.list()).filter((r) => r.dst.startsWith(`${net}.`))).toEqual([]);
        const pod = await Rtnetlink.open({ netns: ns });
        try {
          const links = await pod.links.list();
          expect(links.map((l) => [l.name, l.up])).toEqual([['lo', false]]);
        } finally {
          pod.close();
        }
      } finally {
        await ns.delete();
      }
    }
  });

  it('makes the veth queues asked for, and refuses a bad count before creating anything', async () => {
    const ns = await Netns.create(uniqueName('p'));
    try {
      const pod = await wireRoutedPod({ host: host.rt, podNs: ns, podIp: `${net}.202`, queues: 3 });
      expect(await host.rt.links.get(pod.hostIfName)).toMatchObject({ numTxQueues: 3, numRxQueues: 3 });
      await unwireRoutedPod({ host: host.rt, hostIfName: pod.hostIfName });
      const bad = await wireRoutedPod({ host: host.rt, podNs: ns, podIp: `${net}.203`, queues: 0 }).catch(
        (e: unknown) => e,
      );
      expect(bad).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('queues') });
      expect((await host.rt.links.list()).filter((l) => l.name.startsWith('cali'))).toEqual([]);
    } finally {
      await ns.delete();
    }
  });

  it('refuses to wire when the host has no unicast route covering 169.254.1.1 (calico#3270)', async () => {
    const bare = await Netns.create(uniqueName('b'));
    const pod = await Netns.create(uniqueName('p'));
    try {
      const err = await wireRoutedPod({ hostNs: bare, podNs: pod, podIp: `${net}.201` }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_PREFLIGHT' });
      const rt = await Rtnetlink.open({ netns: bare });
      try {
        expect((await rt.links.list()).map((l) => l.name)).toEqual(['lo']);
      } finally {
        rt.close();
      }
    } finally {
      await pod.delete();
      await bare.delete();
    }
  });
});
