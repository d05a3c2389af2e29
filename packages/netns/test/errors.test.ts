import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  decodeLink,
  encodeLinkAdd,
  isNetnsError,
  NETNS_ERROR_CODES,
  NetlinkError,
  NetnsError,
  splitMessages,
} from '../src/index.js';
import { toLink } from '../src/models.js';

describe('errors', () => {
  it('the code list is API: only ever added to', () => {
    expect(NETNS_ERROR_CODES).toEqual([
      'ERR_NETLINK',
      'ERR_NETLINK_PROTOCOL',
      'ERR_NETLINK_TIMEOUT',
      'ERR_NETLINK_CLOSED',
      'ERR_DUMP_INTERRUPTED',
      'ERR_INVALID_ARGUMENT',
      'ERR_LINK_NOT_FOUND',
      'ERR_NETNS_NOT_FOUND',
      'ERR_NOT_A_NETNS',
      'ERR_UNSUPPORTED',
      'ERR_PREFLIGHT',
      'ERR_IPAM_EXHAUSTED',
      'ERR_CNI_CONFIG',
      'ERR_IPAM_LOCKED',
    ]);
  });

  it('every code is in the README errors table', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    for (const code of NETNS_ERROR_CODES) expect(readme).toContain(`| \`${code}\``);
  });

  it('NetlinkError carries errno, its name, the kernel text and the operation; the brand survives', () => {
    const e = new NetlinkError(
      101,
      'ENETUNREACH',
      'ip route add 10.77.0.0/24 via 172.31.9.9 dev v0',
      'Nexthop has invalid gateway',
    );
    expect(e).toBeInstanceOf(NetnsError);
    expect(e).toMatchObject({ code: 'ERR_NETLINK', errno: 101, errnoName: 'ENETUNREACH', name: 'NetlinkError' });
    expect(e.message).toBe(
      'ENETUNREACH (errno 101) from the kernel for "ip route add 10.77.0.0/24 via 172.31.9.9 dev v0": Nexthop has invalid gateway',
    );
    expect(Object.keys(e)).not.toContain('name');
    expect(isNetnsError(e)).toBe(true);
    expect(isNetnsError(new Error('x'))).toBe(false);
  });

  it('links print as one iproute2-like line in the REPL', () => {
    const [m] = splitMessages(encodeLinkAdd({ name: 'cali0', kind: 'veth', mtu: 1450, address: 'ee:ee:ee:ee:ee:ee' }));
    const l = toLink(decodeLink(m!));
    expect(inspect(l)).toBe('Link #0 cali0 veth DOWN mtu 1450 ee:ee:ee:ee:ee:ee');
    expect(Object.keys(l)).not.toContain(inspect.custom);
  });
});
