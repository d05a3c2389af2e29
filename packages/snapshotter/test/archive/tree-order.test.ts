// The walk's name order: UTF-8 byte order (what `LC_ALL=C sort` gives), whatever the
// characters, including the astral ones whose UTF-16 order differs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/archive/tree-walk.js';

const bytewise = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

describe('compareNames', () => {
  it('agrees with a byte comparison of the UTF-8 names', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareNames(a, b))).toBe(bytewise(a, b));
      }),
      { numRuns: 5000 },
    );
  });

  it('puts U+FFFD before an astral character, as the bytes do (UTF-16 order would put it after)', () => {
    const astral = '\u{1F600}'; // F0 9F 98 80, UTF-16 D83D DE00
    const bmp = '\uFFFD'; // EF BF BD
    expect(compareNames(bmp, astral)).toBeLessThan(0);
    expect(compareNames('a', 'ab')).toBeLessThan(0);
    expect(compareNames('B', 'a')).toBeLessThan(0);
    expect(compareNames('x', 'x')).toBe(0);
  });
});
