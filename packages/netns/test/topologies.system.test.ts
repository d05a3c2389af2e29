// Bridge wiring with the full ping matrix; two "hosts" (namespaces joined by a veth
// wire) routing to each other's pod CIDRs, directly (host-gw) and through ipip where
// the kernel has it.
import { missing, requires, threadsOutsideNamespace, uniqueName } from '@ctrkit/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  hostGwRoutes,
  ipipMesh,
  type Mesh,
  Netns,
  unwireBridgePod,
  wireBridgePod,
  wireRoutedPod,
} from '../src/index.js';
import { type FakeHost, fakeHost, pingAll, pool, subnet } from './helpers/net.js';

const base = requires('root', 'link:veth', 'link:bridge', 'binary:ping', 'binary:nsenter');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  expect(threadsOutsideNamespace('net')).toEqual([]);
});

async function podNs(): Promise<Netns> {
  const ns = await Netns.create(uniqueName('p'));
  cleanups.push(() => ns.delete());
  return ns;
}

async function host(tag: string): Promise<FakeHost> {
  const h = await fakeHost(tag);
  cleanups.push(() => h.close());
  return h;
}

describe.runIf(base.ok)('wireBridgePod (host-gw / CNI bridge shape)', () => {
  it('20 pods on one bridge ping the gateway and each other; teardown keeps only the bridge', async () => {
    const h = await host('h');
    const net = subnet();
    const bridge = uniqueName('br');
    const pods: { ns: Netns; ip: string; hostIfName: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const ns = await podNs();
      const p = await wireBridgePod({
        host: h.rt,
        podNs: ns,
        bridge,
        podIp: `${net}.${10 + i}/24`,
        gateway: `${net}.1`,
      });
      expect(p.bridgeCreated).toBe(i === 0);
      pods.push({ ns, ip: `${net}.${10 + i}`, hostIfName: p.hostIfName });
    }
    const br = await h.rt.links.get(bridge);
    const ports = (await h.rt.links.list()).filter((l) => l.master === br.index);
    expect(ports).toHaveLength(20);
    expect(ports.every((l) => l.numTxQueues === 1 && l.numRxQueues === 1)).toBe(true);
    const failed = await pool(pods, 4, async (a) => {
      const targets = [`${net}.1`, ...pods.filter((b) => b !== a).map((b) => b.ip)];
      return (await pingAll(a.ns, targets)).map((ip) => `${a.ip} -> ${ip}`);
    });
    expect(failed.flat()).toEqual([]);
    // The pinned bridge MAC did not follow the ports.
    expect((await h.rt.links.get(bridge)).address).toBe(br.address);
    for (const p of pods) expect(await unwireBridgePod({ host: h.rt, hostIfName: p.hostIfName })).toBe(true);
    expect(await unwireBridgePod({ host: h.rt, hostIfName: pods[0]!.hostIfName })).toBe(false);
    const left = (await h.rt.links.list()).filter((l) => l.master === br.index);
    expect(left).toEqual([]);
    await h.rt.links.del(bridge);
  });

  it('a failure injected at each step leaves nothing behind (and a bridge it created is removed)', async () => {
    const h = await host('h');
    const net = subnet();
    const before = (await h.rt.links.list()).map((l) => l.name).sort();
    const steps = [
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
    ];
    for (const failAt of steps) {
      const ns = await podNs();
      const err = await wireBridgePod({
        host: h.rt,
        podNs: ns,
        bridge: uniqueName('br'),
        podIp: `${net}.5/24`,
        gateway: `${net}.1`,
        onStep: (s) => {
          if (s === failAt) throw new Error(`injected at ${s}`);
        },
      }).catch((e: unknown) => e);
      expect((err as Error).message).toBe(`injected at ${failAt}`);
      expect((await h.rt.links.list()).map((l) => l.name).sort()).toEqual(before);
    }
  });
});

async function twoHosts() {
  const a = await host('a');
  const b = await host('b');
  const wire = subnet();
  // The "wire" between the hosts: a veth with one end in each namespace.
  await a.rt.links.add({ name: 'wire0', kind: 'veth', peer: { name: 'wire0', netns: b.ns } });
  for (const [h, ip] of [
    [a, `${wire}.1`],
    [b, `${wire}.2`],
  ] as const) {
    await h.rt.addresses.add({ dev: 'wire0', address: `${ip}/24` });
    // Packets from the other host enter here and are forwarded to the pods: host policy, set by the test.
    await h.rt.links.setInetConf('wire0', { forwarding: 1 });
    await h.rt.links.set('wire0', { up: true });
  }
  const cidrs = [subnet(), subnet()];
  const pods: { ns: Netns; ip: string; on: FakeHost }[] = [];
  for (const [i, h] of [a, b].entries()) {
    for (let j = 0; j < 3; j++) {
      const ns = await podNs();
      const ip = `${cidrs[i]}.${10 + j}`;
      await wireRoutedPod({ host: h.rt, podNs: ns, podIp: ip });
      pods.push({ ns, ip, on: h });
    }
  }
  return { a, b, wireA: `${wire}.1`, wireB: `${wire}.2`, cidrA: `${cidrs[0]}.0/24`, cidrB: `${cidrs[1]}.0/24`, pods };
}

async function crossPings(pods: { ns: Netns; ip: string; on: FakeHost }[]): Promise<string[]> {
  const r = await pool(pods, 6, async (x) => {
    const targets = pods.filter((y) => y.on !== x.on).map((y) => y.ip);
    return (await pingAll(x.ns, targets)).map((ip) => `${x.ip} -> ${ip}`);
  });
  return r.flat();
}

describe.runIf(base.ok)('two hosts routed to each other', () => {
  it('direct routes (host-gw): pods on A reach pods on B and back; teardown removes the routes', async () => {
    const t = await twoHosts();
    // Without the routes every cross-host ping (3 x 3, both ways) fails: the test can fail.
    expect(await crossPings(t.pods)).toHaveLength(18);
    const meshA = await hostGwRoutes({ rt: t.a.rt, dev: 'wire0', peers: [{ hostIp: t.wireB, podCidr: t.cidrB }] });
    const meshB = await hostGwRoutes({ rt: t.b.rt, dev: 'wire0', peers: [{ hostIp: t.wireA, podCidr: t.cidrA }] });
    expect(await crossPings(t.pods)).toEqual([]);
    await meshA.teardown();
    await meshB.teardown();
    await meshA.teardown();
    expect((await t.a.rt.routes.list()).filter((r) => r.dst === t.cidrB)).toEqual([]);
  });

  it('host-gw refuses a peer that is not L2-adjacent and adds nothing', async () => {
    const t = await twoHosts();
    const err = await hostGwRoutes({
      rt: t.a.rt,
      dev: 'wire0',
      peers: [
        { hostIp: t.wireB, podCidr: t.cidrB },
        { hostIp: '172.31.9.9', podCidr: '10.251.0.0/24' },
      ],
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_PREFLIGHT' });
    expect((await t.a.rt.routes.list()).filter((r) => r.dst === t.cidrB)).toEqual([]);
  });
});

const ipip = requires('root', 'link:veth', 'link:ipip', 'binary:ping', 'binary:nsenter');

describe.runIf(ipip.ok)('two hosts over ipip (tunl0 + onlink routes)', () => {
  it('pods on A reach pods on B through the tunnel', async () => {
    const t = await twoHosts();
    let mesh: Mesh | undefined;
    let meshB: Mesh | undefined;
    try {
      mesh = await ipipMesh({
        rt: t.a.rt,
        localIp: t.wireA,
        peers: [{ hostIp: t.wireB, podCidr: t.cidrB }],
        address: '10.252.0.1/32',
      });
      meshB = await ipipMesh({
        rt: t.b.rt,
        localIp: t.wireB,
        peers: [{ hostIp: t.wireA, podCidr: t.cidrA }],
        address: '10.252.0.2/32',
      });
      const tun = await t.a.rt.links.get('tunl0');
      expect(tun).toMatchObject({ kind: 'ipip', up: true, mtu: 1480 });
      const routes = await t.a.rt.routes.list({ dev: 'tunl0' });
      expect(routes).toContainEqual(expect.objectContaining({ dst: t.cidrB, gateway: t.wireB, onlink: true }));
      expect(await crossPings(t.pods)).toEqual([]);
    } finally {
      await mesh?.teardown();
      await meshB?.teardown();
    }
    expect((await t.a.rt.routes.list()).filter((r) => r.dst === t.cidrB)).toEqual([]);
  });
});

describe.runIf(!missing('root') && missing('link:ipip') !== null)(
  'ipipMesh on a kernel without the ipip link kind',
  () => {
    it('fails with ERR_UNSUPPORTED naming the kernel feature and leaves nothing behind', async () => {
      const h = await host('h');
      const before = (await h.rt.links.list()).map((l) => l.name);
      const err = await ipipMesh({
        rt: h.rt,
        localIp: '192.0.2.2',
        peers: [{ hostIp: '192.0.2.1', podCidr: '10.253.0.0/24' }],
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_UNSUPPORTED' });
      expect((err as Error).message).toMatch(/ipip/);
      expect((await h.rt.links.list()).map((l) => l.name)).toEqual(before);
    });
  },
);
