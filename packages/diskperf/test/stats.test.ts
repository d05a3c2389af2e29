import fc from 'fast-check';
import { expect, it } from 'vitest';
import { percentile, percentiles } from '../src/internal/stats.js';

it('quickselect percentiles equal nearest-rank percentiles of the sorted data', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }),
      fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
      (xs, ps) => {
        const sorted = Float64Array.from(xs).sort();
        const got = percentiles(Float64Array.from(xs), ps);
        return ps.every((p, i) => got[i] === percentile(sorted, p));
      },
    ),
  );
  expect(percentiles(new Float64Array(), [50])[0]).toBeNaN();
  expect(percentiles(new Float64Array(1000).fill(3), [1, 50, 99])).toEqual([3, 3, 3]);
});
