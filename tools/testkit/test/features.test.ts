import { describe, expect, it } from 'vitest';
import { missing, which } from '../src/index.js';

describe('feature probes', () => {
  it('finds binaries on PATH and reports missing ones with a reason', () => {
    expect(which('sh')).toMatch(/\/sh$/);
    expect(missing('binary:ctrkit-no-such-binary')).toMatch(/not installed/);
  });
  it('answers openat2 and cgroup probes from this kernel', () => {
    expect(typeof (missing('openat2') ?? 'present')).toBe('string');
    const v2 = missing('cgroup:v2:ctrkit-no-such-controller');
    expect(v2).toMatch(/controller/);
  });
  it('rejects unknown features loudly', () => {
    expect(() => missing('bogus' as never)).toThrow(/unknown feature/);
  });
});
