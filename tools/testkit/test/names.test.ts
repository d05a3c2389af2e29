import { describe, expect, it } from 'vitest';
import { uniqueName } from '../src/index.js';

describe('uniqueName', () => {
  it('is unique, prefixed and fits an interface name', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('v')));
    expect(names.size).toBe(1000);
    for (const n of names) {
      expect(n.startsWith('ctkv')).toBe(true);
      expect(n.length).toBeLessThanOrEqual(15);
    }
  });
  it('refuses a tag that leaves no room for uniqueness', () => {
    expect(() => uniqueName('x'.repeat(20))).toThrow(/too long/);
  });
});
