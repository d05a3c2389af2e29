// Decoding the kernel's real answers, recorded from kernel 6.18 in fixtures/iproute2.
import { describe, expect, it } from 'vitest';
import { decodeAddress } from '../src/codec/addr-codec.js';
import { NLMSG, RTM } from '../src/codec/constants.js';
import { decodeLink, decodeLinkBrief } from '../src/codec/link-codec.js';
import { decodeError, type Message, splitMessages } from '../src/codec/message.js';
import { decodeNeighbour } from '../src/codec/neigh-codec.js';
import { decodeRoute } from '../src/codec/route-codec.js';
import { receivedDatagrams } from './helpers/strace.js';

function messages(capture: string, type: number): Message[] {
  return receivedDatagrams(capture)
    .flatMap((d) => splitMessages(d))
    .filter((m) => m.type === type);
}

describe('decoding recorded kernel replies', () => {
  it('link dump (ip -d link show): names, kinds, master, MTU, MACs, IFLA_INET_CONF', () => {
    const links = messages('link-dump', RTM.NEWLINK).map(decodeLink);
    expect(links.map((l) => l.name)).toEqual(['lo', 'v1', 'v0', 'br0', 'vx0', 'mv0']);
    const byName = new Map(links.map((l) => [l.name, l]));
    expect(byName.get('lo')).toMatchObject({ index: 1, kind: undefined, up: true, mtu: 65536 });
    expect(byName.get('v1')).toMatchObject({
      index: 2,
      kind: 'veth',
      slaveKind: 'bridge',
      master: 4,
      up: true,
      link: 3,
    });
    expect(byName.get('v1')?.address).toBe('4e:52:a6:fe:04:15');
    expect(byName.get('v0')).toMatchObject({ index: 3, kind: 'veth', mtu: 1400, address: '76:7b:13:92:40:8a' });
    // A veth made without numtxqueues gets one queue per possible CPU (two on the capture machine).
    expect(byName.get('v0')).toMatchObject({ numTxQueues: 2, numRxQueues: 2 });
    expect(byName.get('lo')).toMatchObject({ numTxQueues: 1, numRxQueues: 1 });
    expect(byName.get('br0')).toMatchObject({ kind: 'bridge', up: false });
    expect(byName.get('vx0')).toMatchObject({ kind: 'vxlan', mtu: 1450 });
    expect(byName.get('mv0')).toMatchObject({ kind: 'macvlan', link: 3 });
    // Defaults of a fresh namespace: forwarding off, proxy_arp off, rp_filter 0 on lo.
    expect(byName.get('v0')?.inetConf).toMatchObject({ forwarding: 0, proxy_arp: 0, accept_redirects: 1 });
  });

  it('decodeLinkBrief reads the same index, state, MAC and IFLA_LINK as decodeLink', () => {
    const replies = [
      ...messages('link-dump', RTM.NEWLINK),
      ...messages('link-up', RTM.NEWLINK),
      ...messages('ntable-proxy-delay', RTM.NEWLINK),
    ];
    expect(replies.length).toBeGreaterThan(6);
    for (const m of replies) {
      const { index, up, address, link } = decodeLink(m);
      expect(decodeLinkBrief(m)).toEqual({ index, up, address, link });
    }
  });

  it('decodeLinkBrief refuses a truncated reply with ERR_NETLINK_PROTOCOL', () => {
    const m = messages('link-dump', RTM.NEWLINK)[1]!;
    const cut = { ...m, payload: m.payload.subarray(0, 40) };
    cut.payload.writeUInt16LE(200, 16); // the first attribute now claims more than is left
    expect(() => decodeLinkBrief(cut)).toThrow(expect.objectContaining({ code: 'ERR_NETLINK_PROTOCOL' }));
    expect(() => decodeLinkBrief({ ...m, payload: m.payload.subarray(0, 8) })).toThrow(
      expect.objectContaining({ code: 'ERR_NETLINK_PROTOCOL' }),
    );
  });

  it('address dump (ip addr show): /32 and /24 IPv4, IPv6 link-local', () => {
    const addrs = messages('addr-dump', RTM.NEWADDR).map(decodeAddress);
    const v4 = addrs.filter((a) => a.family === 2).map((a) => [a.index, a.address, a.scope]);
    expect(v4).toEqual([
      [1, '127.0.0.1/8', 254],
      [2, '10.0.1.1/24', 0],
      [3, '10.0.0.2/32', 0],
    ]);
    const v6 = addrs.filter((a) => a.family === 10).map((a) => a.address);
    expect(v6).toContain('::1/128');
    expect(v6.some((a) => a.startsWith('fe80::') && a.endsWith('/64'))).toBe(true);
  });

  it('route dump (ip route show table all): the Calico routes, onlink, blackhole, table 100', () => {
    const routes = messages('route-dump', RTM.NEWROUTE).map(decodeRoute);
    const main = routes.filter((r) => r.family === 2 && r.table === 254);
    expect(main).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dst: 'default', gateway: '169.254.1.1', oif: 3, scope: 0, type: 'unicast' }),
        expect.objectContaining({ dst: '169.254.1.1/32', oif: 3, scope: 253, gateway: undefined }),
        expect.objectContaining({ dst: '10.77.0.0/24', gateway: '172.31.9.9', onlink: true }),
        expect.objectContaining({ dst: '10.78.0.0/16', type: 'blackhole' }),
        expect.objectContaining({ dst: '10.0.1.0/24', protocol: 2, src: '10.0.1.1' }),
      ]),
    );
    expect(routes.find((r) => r.table === 100)).toMatchObject({ dst: '10.79.0.0/24', metric: 100, oif: 2 });
    expect(routes.some((r) => r.type === 'local' && r.table === 255)).toBe(true);
  });

  it('neighbour dump (ip neigh show): the permanent entry', () => {
    const n = messages('neigh-dump', RTM.NEWNEIGH).map(decodeNeighbour);
    expect(n).toContainEqual(
      expect.objectContaining({ index: 2, address: '10.0.1.9', lladdr: '02:00:00:00:00:09', states: ['permanent'] }),
    );
  });

  it('the ACKs are NLMSG_ERROR with error 0 (capped)', () => {
    const acks = messages('route-link', NLMSG.ERROR).map(decodeError);
    expect(acks.at(-1)).toMatchObject({ errno: 0, request: { type: RTM.NEWROUTE } });
  });

  it('the kernel refusing the ipip kind: EOPNOTSUPP', () => {
    const errs = messages('ipip', NLMSG.ERROR).map(decodeError);
    expect(errs.at(-1)?.errno).toBe(95);
  });

  it('extended-ack TLVs of real error replies: errno, the kernel text, the offending attribute', () => {
    const last = (capture: string) => messages(capture, NLMSG.ERROR).map(decodeError).at(-1);
    expect(last('err-route-gateway')).toMatchObject({ errno: 101, message: 'Nexthop has invalid gateway' });
    expect(last('err-addr-exists')).toMatchObject({ errno: 17, message: 'ipv4: Address already assigned' });
    const range = last('err-ifname-range');
    expect(range).toMatchObject({ errno: 34, message: 'Attribute failed policy validation' });
    expect(range?.offset).toBe(32); // IFLA_IFNAME, right after nlmsghdr + ifinfomsg
  });

  it('a truncated message is ERR_NETLINK_PROTOCOL, not a crash', () => {
    const d = receivedDatagrams('link-dump').sort((a, b) => b.length - a.length)[0] as Buffer;
    expect(d.length).toBeGreaterThan(1000);
    expect(() => splitMessages(d.subarray(0, 100))).toThrow(expect.objectContaining({ code: 'ERR_NETLINK_PROTOCOL' }));
  });
});
