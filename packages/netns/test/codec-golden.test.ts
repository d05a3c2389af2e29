// Golden bytes: our encoders against the exact requests iproute2 6.1 sent (captured with
// strace, see fixtures/iproute2/README.md), sequence numbers zeroed on both sides.
import { describe, expect, it } from 'vitest';
import { encodeAddressAdd, encodeAddressDel } from '../src/codec/addr-codec.js';
import { encodeInetConf, encodeLinkAdd, encodeLinkDel, encodeLinkGet, encodeLinkSet } from '../src/codec/link-codec.js';
import { encodeNeighbourAdd, encodeNeighbourDel } from '../src/codec/neigh-codec.js';
import { encodeNeighTableChange } from '../src/codec/ntable-codec.js';
import { encodeRouteAdd, encodeRouteDel, encodeRouteReplace } from '../src/codec/route-codec.js';
import { captureCommand, sentRequests } from './helpers/strace.js';

function hex(b: Buffer): string {
  return b.toString('hex');
}

// Interface indexes as they were in the capture namespace: lo 1, v1 2, v0 3, br0 4.
const V1 = 2;
const V0 = 3;

const cases: { capture: string; ours: Buffer[] }[] = [
  { capture: 'veth', ours: [encodeLinkAdd({ name: 'v0', kind: 'veth', peer: { name: 'v1' } })] },
  { capture: 'veth-up', ours: [encodeLinkAdd({ name: 'v0', kind: 'veth', up: true, peer: { name: 'v1' } })] },
  {
    capture: 'veth-queues',
    ours: [
      encodeLinkAdd({
        name: 'v0',
        kind: 'veth',
        numTxQueues: 1,
        numRxQueues: 1,
        peer: { name: 'v1', numTxQueues: 1, numRxQueues: 1 },
      }),
    ],
  },
  {
    capture: 'ipip',
    ours: [encodeLinkAdd({ name: 't0', kind: 'ipip', ipip: { remote: '192.0.2.1', local: '192.0.2.2' } })],
  },
  { capture: 'bridge', ours: [encodeLinkAdd({ name: 'br0', kind: 'bridge' })] },
  {
    capture: 'vxlan',
    ours: [
      encodeLinkGet('v0'),
      encodeLinkAdd({ name: 'vx0', kind: 'vxlan', vxlan: { id: 42, port: 4789, local: '192.0.2.2', link: V0 } }),
    ],
  },
  {
    capture: 'macvlan',
    ours: [encodeLinkGet('v0'), encodeLinkAdd({ name: 'mv0', kind: 'macvlan', link: V0, macvlan: { mode: 'bridge' } })],
  },
  { capture: 'link-up', ours: [encodeLinkGet('v0'), encodeLinkSet({ index: V0, up: true })] },
  { capture: 'link-mtu', ours: [encodeLinkGet('v0'), encodeLinkSet({ index: V0, mtu: 1400 })] },
  {
    capture: 'link-master',
    ours: [encodeLinkGet('br0'), encodeLinkGet('v1'), encodeLinkSet({ index: V1, master: 4 })],
  },
  { capture: 'addr-add', ours: [encodeLinkGet('v0'), encodeAddressAdd({ index: V0, address: '10.0.0.2/32' })] },
  { capture: 'addr-add-24', ours: [encodeLinkGet('v1'), encodeAddressAdd({ index: V1, address: '10.0.1.1/24' })] },
  { capture: 'addr-del', ours: [encodeLinkGet('v0'), encodeAddressDel({ index: V0, address: '10.0.0.2/32' })] },
  {
    capture: 'route-link',
    ours: [encodeLinkGet('v0'), encodeRouteAdd({ dst: '169.254.1.1/32', oif: V0, scope: 'link' })],
  },
  {
    capture: 'route-default',
    ours: [encodeLinkGet('v0'), encodeRouteAdd({ dst: 'default', gateway: '169.254.1.1', oif: V0 })],
  },
  {
    capture: 'route-onlink',
    ours: [encodeLinkGet('v0'), encodeRouteAdd({ dst: '10.77.0.0/24', gateway: '172.31.9.9', oif: V0, onlink: true })],
  },
  { capture: 'route-blackhole', ours: [encodeRouteAdd({ dst: '10.78.0.0/16', type: 'blackhole' })] },
  {
    capture: 'route-replace-metric',
    ours: [encodeLinkGet('v1'), encodeRouteReplace({ dst: '10.79.0.0/24', oif: V1, metric: 100, table: 100 })],
  },
  {
    capture: 'route-del',
    ours: [encodeLinkGet('v0'), encodeRouteDel({ dst: '169.254.1.1/32', oif: V0, scope: 'link', table: 254 })],
  },
  {
    capture: 'neigh-add',
    ours: [encodeNeighbourAdd({ index: V1, address: '10.0.1.9', lladdr: '02:00:00:00:00:09', state: 'permanent' })],
  },
  { capture: 'neigh-del', ours: [encodeNeighbourDel({ index: V1, address: '10.0.1.9' })] },
  {
    capture: 'ntable-proxy-delay',
    ours: [encodeNeighTableChange({ table: 'arp_cache', index: V0, parms: { proxy_delay: 0 } })],
  },
  { capture: 'link-del', ours: [encodeLinkGet('v0'), encodeLinkDel(V0)] },
];

describe('requests match iproute2 6.1 byte for byte', () => {
  for (const c of cases) {
    it(`${c.capture}: ${captureCommand(c.capture)}`, () => {
      expect(c.ours.map(hex)).toEqual(sentRequests(c.capture).map(hex));
    });
  }

  it('IFLA_INET_CONF (no iproute2 equivalent): the layout of netns.md §3.2 item 6', () => {
    // RTM_NEWLINK REQUEST|ACK, ifindex 7, IFLA_AF_SPEC{ AF_INET{ IFLA_INET_CONF{ PROXY_ARP(3): 1 } } }
    const expected =
      '34000000100005000000000000000000' +
      '00000000070000000000000000000000' +
      '14001a00' +
      '10000200' +
      '0c000100' +
      '0800030001000000';
    expect(hex(encodeInetConf(7, { proxy_arp: 1 }))).toBe(expected);
  });

  it('a link addressed by name (no iproute2 equivalent: ip looks the index up first) carries IFLA_IFNAME and index 0', () => {
    // RTM_NEWLINK REQUEST|ACK, ifinfomsg { index 0, flags UP, change UP }, IFLA_IFNAME "lo"
    const expected = '28000000100005000000000000000000' + '00000000000000000100000001000000' + '070003006c6f0000';
    expect(hex(encodeLinkSet({ index: 0, ifname: 'lo', up: true }))).toBe(expected);
    expect(() => encodeLinkSet({ index: 3, ifname: 'lo' })).toThrow(/by index or by ifname/);
  });

  it('ntable parameters: u64 milliseconds for times, u32 for counts, and typed errors for the rest', () => {
    const b = encodeNeighTableChange({ table: 'arp_cache', index: 7, parms: { proxy_delay: 0, proxy_queue: 64 } });
    // NDTA_PARMS { IFINDEX 7, PROXY_DELAY (u64) 0, PROXY_QLEN (u32) 64 }
    expect(hex(b.subarray(0x24))).toBe(
      '20000600' + '0800010007000000' + '0c000d000000000000000000' + '08000e0040000000',
    );
    expect(() => encodeNeighTableChange({ table: 'arp_cache', index: 7, parms: {} })).toThrow(/at least one/);
    expect(() => encodeNeighTableChange({ table: 'arp_cache', index: 7, parms: { proxy_delay: -1 } })).toThrow(
      /non-negative/,
    );
    expect(() => encodeNeighTableChange({ table: 'arp_cache', index: 7, parms: { nope: 1 } as never })).toThrow(
      /ntable parameter/,
    );
  });

  it('veth is the 84-byte message of netns.md §4.1', () => {
    const b = encodeLinkAdd({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
    expect(b.length).toBe(84);
    expect(b.readUInt16LE(6)).toBe(0x0605);
  });

  it('a veth peer placed in a namespace grows the three enclosing lengths by 8', () => {
    const plain = encodeLinkAdd({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
    const moved = encodeLinkAdd({ name: 'v0', kind: 'veth', peer: { name: 'v1', netns: { fd: 7 } } });
    expect(moved.length).toBe(plain.length + 8);
    expect(moved.readUInt16LE(0x28)).toBe(44 + 8); // IFLA_LINKINFO
    expect(moved.readUInt16LE(0x34)).toBe(32 + 8); // IFLA_INFO_DATA
    expect(moved.readUInt16LE(0x38)).toBe(28 + 8); // VETH_INFO_PEER
    expect(hex(moved.subarray(0x54))).toBe('08001c0007000000'); // IFLA_NET_NS_FD 7
  });
});
