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

describe('cgroup:any', () => {
  it('is present exactly when the v1 hierarchy has the controller or a pure cgroup2 host offers it', () => {
    const any = missing('cgroup:any:memory') === null;
    const v1 = missing('cgroup:v1:memory') === null;
    const v2 = missing('cgroup:unified') === null && missing('cgroup:v2:memory') === null;
    expect(any).toBe(v1 || v2);
    expect(missing('cgroup:any:ctrkit-no-such-controller')).toMatch(/no ctrkit-no-such-controller controller/);
  });
});
