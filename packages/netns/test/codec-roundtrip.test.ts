// Property tests: what the encoders write, the decoders read back; random bytes give a
// typed error or a result, never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAddress, encodeAddressAdd } from '../src/codec/addr-codec.js';
import { parseAttributes } from '../src/codec/attributes.js';
import { decodeLink, encodeLinkAdd, encodeLinkSet } from '../src/codec/link-codec.js';
import { splitMessages } from '../src/codec/message.js';
import { decodeNeighbour, encodeNeighbourAdd } from '../src/codec/neigh-codec.js';
import { decodeRoute, encodeRouteAdd } from '../src/codec/route-codec.js';
import { isNetnsError } from '../src/errors.js';

const one = (b: Buffer) => {
  const ms = splitMessages(b);
  expect(ms).toHaveLength(1);
  return ms[0]!;
};
const ifname = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,14}$/);
const mac = fc
  .uint8Array({ minLength: 6, maxLength: 6 })
  .map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':'));
const ipv4 = fc.ipV4();
const index = fc.integer({ min: 1, max: 2 ** 31 - 1 });

describe('encode → decode round trips', () => {
  it('links: name, kind, MTU, MAC, master', () => {
    fc.assert(
      fc.property(
        ifname,
        fc.constantFrom('veth', 'bridge', 'vxlan') as fc.Arbitrary<'veth' | 'bridge' | 'vxlan'>,
        fc.integer({ min: 68, max: 65535 }),
        mac,
        index,
        (name, kind, mtu, address, master) => {
          const l = decodeLink(
            one(encodeLinkAdd({ name, kind, mtu, address, master, vxlan: { id: 7 }, peer: { name: 'p' } })),
          );
          expect(l).toMatchObject({ name, kind, mtu, address, master });
        },
      ),
    );
  });

  it('link set: index, up, rename', () => {
    fc.assert(
      fc.property(index, fc.boolean(), ifname, (i, up, name) => {
        const l = decodeLink(one(encodeLinkSet({ index: i, up, name })));
        expect(l).toMatchObject({ index: i, up, name });
      }),
    );
  });

  it('addresses: IPv4 and IPv6 prefixes, peers', () => {
    fc.assert(
      fc.property(
        index,
        ipv4,
        fc.integer({ min: 0, max: 32 }),
        fc.option(ipv4, { nil: undefined }),
        (i, a, len, peer) => {
          const d = decodeAddress(one(encodeAddressAdd({ index: i, address: `${a}/${len}`, peer })));
          expect(d).toMatchObject({ index: i, address: `${a}/${len}`, peer: peer === a ? undefined : peer });
        },
      ),
    );
    fc.assert(
      fc.property(index, fc.ipV6(), (i, a) => {
        const d = decodeAddress(one(encodeAddressAdd({ index: i, address: `${a}/64` })));
        expect(d.prefixLength).toBe(64);
        expect(d.family).toBe(10);
      }),
    );
  });

  it('routes: dst, gateway, oif, metric, table, onlink, type', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 32 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        ipv4,
        index,
        fc.option(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { nil: undefined }),
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        fc.boolean(),
        (len, raw, gw, oif, metric, table, onlink) => {
          // Clear host bits: the encoder (like the kernel) rejects them.
          const b = Buffer.from(raw);
          for (let bit = len; bit < 32; bit++) b[bit >> 3]! &= ~(0x80 >> (bit & 7));
          const dst = len === 0 ? 'default' : `${[...b].join('.')}/${len}`;
          const r = decodeRoute(one(encodeRouteAdd({ dst, gateway: gw, oif, metric, table, onlink })));
          expect(r).toMatchObject({ dst, gateway: gw, oif, metric, table, onlink, type: 'unicast' });
        },
      ),
    );
  });

  it('neighbours: address, lladdr, state', () => {
    fc.assert(
      fc.property(index, ipv4, mac, (i, a, ll) => {
        const n = decodeNeighbour(one(encodeNeighbourAdd({ index: i, address: a, lladdr: ll, state: 'reachable' })));
        expect(n).toMatchObject({ index: i, address: a, lladdr: ll, states: ['reachable'] });
      }),
    );
  });
});

describe('hostile input', () => {
  it('random bytes: parseAttributes/splitMessages/decoders return or throw a NetnsError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (raw) => {
        const b = Buffer.from(raw);
        for (const fn of [
          () => parseAttributes(b),
          () => splitMessages(b).map((m) => m.payload.length >= 16 && decodeLink(m)),
        ]) {
          try {
            fn();
          } catch (e) {
            if (!isNetnsError(e)) throw e;
          }
        }
      }),
    );
  });

  it('rejects bad input with ERR_INVALID_ARGUMENT before anything is sent', () => {
    const bad = [
      () => encodeLinkAdd({ name: 'a-name-longer-than-15', kind: 'veth' }),
      () => encodeLinkAdd({ name: 'x', kind: 'gre' as 'veth' }),
      () => encodeRouteAdd({ dst: '10.79.0.1/24' }),
      () => encodeRouteAdd({ dst: '10.0.0.0/33' }),
      () => encodeAddressAdd({ index: 1, address: '10.1' }),
      () => encodeLinkAdd({ name: 'm', kind: 'macvlan' }),
      () => encodeLinkAdd({ name: 'v', kind: 'vxlan' }),
      () => encodeLinkAdd({ name: 'q', kind: 'veth', numTxQueues: 0 }),
      () => encodeLinkAdd({ name: 'q', kind: 'veth', numRxQueues: 1.5 }),
      () => encodeLinkAdd({ name: 'q', kind: 'veth', peer: { name: 'p', numTxQueues: 4097 } }),
    ];
    for (const f of bad) expect(f).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});
