// The rtnetlink API against the real kernel, inside a fresh namespace per test: every
// link kind this kernel has, moves and renames, addresses, neighbours, devconf, and the
// route error semantics of shared/reference/netns.md §3.2.
import { requires, threadsOutsideNamespace, uniqueName } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isNetlinkErrno, NetlinkError, Netns, Rtnetlink, RtnetlinkEvents, waitForLinksGone } from '../src/index.js';

const gate = requires('root', 'link:veth', 'link:bridge');

let ns: Netns;
let rt: Rtnetlink;

beforeEach(async () => {
  if (!gate.ok) return;
  ns = await Netns.create(uniqueName('r'));
  rt = await Rtnetlink.open({ netns: ns });
});

afterEach(async () => {
  if (!gate.ok) return;
  rt.close();
  await ns.delete();
  expect(threadsOutsideNamespace('net')).toEqual([]);
});

async function errnoOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof NetlinkError)) throw new Error(`expected a NetlinkError, got ${String(e)}`);
  return e.errnoName;
}

describe.runIf(gate.ok)('links', () => {
  it('veth, bridge with a port, macvlan and vxlan on the veth, set/rename/move/del', async () => {
    await rt.links.add({ name: 'v0', kind: 'veth', mtu: 1400, address: 'ee:ee:ee:ee:ee:ee', peer: { name: 'v1' } });
    await rt.links.add({ name: 'br0', kind: 'bridge', bridge: { stpState: 0 } });
    await rt.links.set('v1', { master: 'br0', up: true });
    await rt.links.add({ name: 'mv0', kind: 'macvlan', link: 'v0', macvlan: { mode: 'bridge' } });
    await rt.links.add({
      name: 'vx0',
      kind: 'vxlan',
      vxlan: { id: 42, port: 4789, local: '192.0.2.2', link: (await rt.links.get('v0')).index },
    });
    const byName = new Map((await rt.links.list()).map((l) => [l.name, l]));
    expect(byName.get('v0')).toMatchObject({ kind: 'veth', mtu: 1400, address: 'ee:ee:ee:ee:ee:ee', up: false });
    expect(byName.get('v1')).toMatchObject({ kind: 'veth', master: byName.get('br0')?.index, up: true });
    expect(byName.get('mv0')).toMatchObject({ kind: 'macvlan', link: byName.get('v0')?.index });
    expect(byName.get('vx0')).toMatchObject({ kind: 'vxlan' });

    await rt.links.set('v1', { master: null });
    expect((await rt.links.get('v1')).master).toBeUndefined();
    await rt.links.set('mv0', { name: 'mv1', mtu: 1300 });
    expect(await rt.links.find('mv0')).toBeUndefined();
    expect((await rt.links.get('mv1')).mtu).toBe(1300);

    await rt.links.del('vx0');
    await expect(rt.links.get('vx0')).rejects.toMatchObject({ code: 'ERR_LINK_NOT_FOUND' });
    // Move v1 into another namespace (last: deleting that namespace destroys the veth pair,
    // and with v0 the kernel also removes the macvlan and vxlan stacked on it, asynchronously).
    const other = await Netns.create(uniqueName('o'));
    try {
      await rt.links.set('v1', { netns: other });
      expect(await rt.links.find('v1')).toBeUndefined();
      const ort = await Rtnetlink.open({ netns: other });
      try {
        expect((await ort.links.get('v1')).kind).toBe('veth');
      } finally {
        ort.close();
      }
    } finally {
      await other.delete();
    }
  });

  it('a veth peer created directly in another namespace; deleting one end removes both', async () => {
    const pod = await Netns.create(uniqueName('p'));
    const prt = await Rtnetlink.open({ netns: pod });
    try {
      await rt.links.add({ name: 'h0', kind: 'veth', peer: { name: 'eth0', netns: pod } });
      const eth0 = await prt.links.get('eth0');
      expect(eth0.kind).toBe('veth');
      expect((await rt.links.get('h0')).linkNetnsId).toBeGreaterThanOrEqual(0);
      await rt.links.del('h0');
      expect(await prt.links.find('eth0')).toBeUndefined();
      expect(await errnoOf(rt.request(Buffer.from((await import('../src/index.js')).encodeLinkDel(eth0.index))))).toBe(
        'ENODEV',
      );
    } finally {
      prt.close();
      await pod.delete();
    }
  });

  it('EEXIST for a taken name; names over 15 bytes are refused before sending', async () => {
    await rt.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
    expect(await errnoOf(rt.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v2' } }))).toBe('EEXIST');
    await expect(rt.links.add({ name: 'sixteen-chars-xx', kind: 'bridge' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('IPv4 devconf over IFLA_INET_CONF reads back; proxy_delay through /proc/sys in the namespace', async () => {
    await rt.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
    await rt.links.setInetConf('v0', { proxy_arp: 1, forwarding: true, rp_filter: 2 });
    expect((await rt.links.get('v0')).inetConf).toMatchObject({ proxy_arp: 1, forwarding: 1, rp_filter: 2 });
    await rt.links.setNeighConf('v0', { proxy_delay: 0 });
    expect(await rt.links.getNeighConf('v0', 'proxy_delay')).toBe(0);
    expect(await rt.links.getNeighConf('v1', 'proxy_delay')).toBe(80);
  });

  it('a 1000-link dump is complete and consistent', async () => {
    for (let i = 0; i < 50; i++) await rt.links.add({ name: `b${i}`, kind: 'bridge' });
    const r = await rt.dump((await import('../src/index.js')).encodeLinkDump());
    expect(r.inconsistent).toBe(false);
    expect(r.messages).toHaveLength(51);
  });
});

describe.runIf(gate.ok)('addresses and neighbours', () => {
  it('add/list/replace/del, EEXIST for a duplicate, peers', async () => {
    await rt.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
    await rt.addresses.add({ dev: 'v0', address: '10.0.0.2/32' });
    await rt.addresses.add({ dev: 'v0', address: '10.0.1.1/24', broadcast: true });
    await rt.addresses.add({ dev: 'v1', address: '10.0.2.1', peer: '10.0.2.2' });
    expect(await errnoOf(rt.addresses.add({ dev: 'v0', address: '10.0.0.2/32' }))).toBe('EEXIST');
    await rt.addresses.replace({ dev: 'v0', address: '10.0.0.2/32' });
    const v4 = await rt.addresses.list({ family: 'inet' });
    expect(v4.map((a) => [a.address, a.peer])).toEqual(
      expect.arrayContaining([
        ['10.0.0.2/32', undefined],
        ['10.0.1.1/24', undefined],
        ['10.0.2.1/32', '10.0.2.2'],
      ]),
    );
    await rt.addresses.del({ dev: 'v0', address: '10.0.0.2/32' });
    expect((await rt.addresses.list({ dev: 'v0', family: 'inet' })).map((a) => a.address)).toEqual(['10.0.1.1/24']);
  });

  it('neighbour add/list/del', async () => {
    await rt.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
    await rt.neighbours.add({ dev: 'v0', address: '10.0.1.9', lladdr: '02:00:00:00:00:09' });
    expect(await rt.neighbours.list({ dev: 'v0' })).toContainEqual(
      expect.objectContaining({ address: '10.0.1.9', lladdr: '02:00:00:00:00:09', states: ['permanent'] }),
    );
    await rt.neighbours.del({ dev: 'v0', address: '10.0.1.9' });
    expect((await rt.neighbours.list({ dev: 'v0' })).filter((n) => n.address === '10.0.1.9')).toEqual([]);
  });
});

describe.runIf(gate.ok)('route semantics (netns.md §3.2)', () => {
  beforeEach(async () => {
    await rt.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
    await rt.addresses.add({ dev: 'v0', address: '10.0.0.1/24' });
  });

  it('a route on a DOWN link is ENETDOWN, even scope link', async () => {
    expect(await errnoOf(rt.routes.add({ dst: '10.9.0.0/24', dev: 'v0' }))).toBe('ENETDOWN');
  });

  it('an off-link gateway is ENETUNREACH unless onlink (on an UP link)', async () => {
    await rt.links.set('v0', { up: true });
    await rt.links.set('v1', { up: true });
    expect(await errnoOf(rt.routes.add({ dst: '10.77.0.0/24', gateway: '172.31.9.9', dev: 'v0' }))).toBe('ENETUNREACH');
    await rt.routes.add({ dst: '10.77.0.0/24', gateway: '172.31.9.9', dev: 'v0', onlink: true });
    expect(await rt.routes.list({ dev: 'v0' })).toContainEqual(
      expect.objectContaining({ dst: '10.77.0.0/24', onlink: true }),
    );
  });

  // Measured on kernel 6.18 (iproute2 6.1 gets the same): scope link with an on-subnet
  // gateway is ENETUNREACH "Nexthop has invalid gateway" (netns.md §3.2 recorded EINVAL).
  it('a gateway with scope link is refused (ENETUNREACH); host bits are refused before sending', async () => {
    await rt.links.set('v0', { up: true });
    await rt.links.set('v1', { up: true });
    expect(await errnoOf(rt.routes.add({ dst: '10.9.0.0/24', gateway: '10.0.0.2', dev: 'v0', scope: 'link' }))).toBe(
      'ENETUNREACH',
    );
    // The socket asks for extended acks, so the kernel's own reason comes with the errno.
    await expect(
      rt.routes.add({ dst: '10.9.0.0/24', gateway: '10.0.0.2', dev: 'v0', scope: 'link' }),
    ).rejects.toMatchObject({ kernelMessage: 'Nexthop has invalid gateway' });
    await expect(rt.routes.add({ dst: '10.79.0.1/24', dev: 'v0' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('a duplicate is EEXIST; replace is idempotent; del, then ESRCH', async () => {
    await rt.links.set('v0', { up: true });
    await rt.routes.add({ dst: '10.9.0.0/24', gateway: '10.0.0.2', dev: 'v0', metric: 5 });
    expect(await errnoOf(rt.routes.add({ dst: '10.9.0.0/24', gateway: '10.0.0.2', dev: 'v0', metric: 5 }))).toBe(
      'EEXIST',
    );
    await rt.routes.replace({ dst: '10.9.0.0/24', gateway: '10.0.0.3', dev: 'v0', metric: 5 });
    expect((await rt.routes.list()).filter((r) => r.dst === '10.9.0.0/24').map((r) => r.gateway)).toEqual(['10.0.0.3']);
    await rt.routes.del({ dst: '10.9.0.0/24', metric: 5 });
    expect(await errnoOf(rt.routes.del({ dst: '10.9.0.0/24', metric: 5 }))).toBe('ESRCH');
  });

  it('default via 169.254.1.1 fails until the link-scoped route to it exists', async () => {
    await rt.links.set('v0', { up: true });
    expect(await errnoOf(rt.routes.add({ dst: 'default', gateway: '169.254.1.1', dev: 'v0' }))).toBe('ENETUNREACH');
    await rt.routes.add({ dst: '169.254.1.1/32', dev: 'v0', scope: 'link' });
    await rt.routes.add({ dst: 'default', gateway: '169.254.1.1', dev: 'v0' });
    expect((await rt.routes.get('8.8.8.8')).gateway).toBe('169.254.1.1');
  });

  it('blackhole routes and other tables', async () => {
    await rt.routes.add({ dst: '10.78.0.0/16', type: 'blackhole' });
    await rt.links.set('v0', { up: true });
    await rt.routes.add({ dst: '10.79.0.0/24', dev: 'v0', table: 100, metric: 100 });
    await rt.routes.add({ dst: '10.80.0.0/24', dev: 'v0', table: 1000 });
    expect(await rt.routes.list()).toContainEqual(expect.objectContaining({ dst: '10.78.0.0/16', type: 'blackhole' }));
    expect(await rt.routes.list({ table: 100 })).toEqual([
      expect.objectContaining({ dst: '10.79.0.0/24', metric: 100 }),
    ]);
    expect(await rt.routes.list({ table: 1000 })).toEqual([
      expect.objectContaining({ dst: '10.80.0.0/24', table: 1000 }),
    ]);
    expect(isNetlinkErrno(await rt.routes.get('10.78.1.1').catch((e: unknown) => e), 'EINVAL')).toBe(true);
  });
});

describe.runIf(gate.ok)('notifications', () => {
  it('RTM_NEWLINK / RTM_DELLINK arrive as events', async () => {
    const events = await RtnetlinkEvents.open({ netns: ns, groups: ['link', 'ipv4-ifaddr'] });
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of events) {
        if (e.type === 'newlink' || e.type === 'dellink') seen.push(`${e.type} ${e.link.name}`);
        if (e.type === 'newaddr') seen.push(`newaddr ${e.address.address}`);
        if (e.type === 'dellink' && e.link.name === 'e0') return;
      }
    })();
    await rt.links.add({ name: 'e0', kind: 'bridge' });
    await rt.addresses.add({ dev: 'e0', address: '10.0.9.1/24' });
    await rt.links.del('e0');
    await done;
    events.close();
    expect(seen).toEqual(expect.arrayContaining(['newlink e0', 'newaddr 10.0.9.1/24', 'dellink e0']));
  });

  it('waitForLinksGone returns once the kernel has removed the veths of a deleted namespace', async () => {
    const names = ['h0', 'h1', 'h2'];
    const pods: Netns[] = [];
    for (const n of names) {
      const pod = await Netns.create(uniqueName('w'));
      pods.push(pod);
      await rt.links.add({ name: n, kind: 'veth', peer: { name: 'eth0', netns: pod } });
    }
    for (const p of pods) await p.delete();
    await waitForLinksGone(rt, names, { timeoutMs: 10_000 });
    for (const n of names) expect(await rt.links.find(n)).toBeUndefined();
    await rt.links.add({ name: 'stay', kind: 'bridge' });
    await expect(waitForLinksGone(rt, ['stay'], { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'ERR_NETLINK_TIMEOUT',
    });
  });
});
