// Address parsing: the dotted-quad fast path and ipaddr.js agree, and bad forms are refused.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { parseAddress, parsePrefix } from '../src/codec/ip.js';

describe('parseAddress', () => {
  it('dotted quads give the bytes ipaddr.js gives', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        expect(Array.from(parseAddress(text).bytes)).toEqual(ipaddr.parse(text).toByteArray());
      }),
    );
  });

  it('refuses out-of-range parts, leading zeros and legacy IPv4 forms with ERR_INVALID_ARGUMENT', () => {
    for (const bad of ['256.1.1.1', '1.2.3.999', '01.2.3.4', '10.1', '0x0a.0.0.1', '1.2.3.4.5', '', ' 1.2.3.4']) {
      expect(() => parseAddress(bad), bad).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
  });

  it('IPv6 still goes through ipaddr.js; prefixes keep their length', () => {
    expect(parseAddress('fd00::2')).toMatchObject({ family: 10, length: 128 });
    expect(parsePrefix('10.65.0.5/32')).toMatchObject({ family: 2, length: 32 });
    expect(Array.from(parsePrefix('169.254.1.1').bytes)).toEqual([169, 254, 1, 1]);
  });
});
