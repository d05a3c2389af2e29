// The TS constants are written out by hand per architecture; this checks each one
// against the values the addon was compiled with (the C headers of this machine).
import { requires } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';
import { native } from '../src/binding.js';
import { AT, CLONE, MNT, MS, NETLINK, O, RENAME, RESOLVE, S, XATTR } from '../src/index.js';

const gate = requires('root');

describe.runIf(gate.ok)('constants', () => {
  it('match the kernel headers the addon was built against', () => {
    const ours = { O, RESOLVE, AT, S, MS, MNT, RENAME, XATTR, CLONE, NETLINK };
    expect(JSON.parse(JSON.stringify(ours))).toEqual(native().constants);
  });
});
