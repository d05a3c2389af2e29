import { describe, expect, it } from 'vitest';
import { missing, requires, threadsOutsideNamespace } from '../src/index.js';

const gate = requires('root', 'link:veth');

describe.runIf(gate.ok)('gate on a real kernel', () => {
  it('probes link kinds in a throwaway namespace, leaving the host untouched', () => {
    expect(missing('link:veth')).toBeNull();
    expect(missing('link:ctrkit-no-such-kind')).toMatch(/cannot create/);
    expect(threadsOutsideNamespace('net')).toEqual([]);
  });
});
