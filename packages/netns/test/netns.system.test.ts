// Named namespaces as `ip netns add` makes them: visible to iproute2, a taken name refused
// without harming its owner, and nothing left under /run/netns once deleted.
import { execFileSync } from 'node:child_process';
import { existsSync, readlinkSync, statfsSync } from 'node:fs';
import { requires, threadsOutsideNamespace, uniqueName } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';
import { Netns, Rtnetlink } from '../src/index.js';

const gate = requires('root', 'binary:ip');
const NSFS_MAGIC = 0x6e736673;

describe.runIf(gate.ok)('Netns.create(name)', () => {
  it('makes /run/netns/NAME a bind mount of a new namespace that `ip netns` sees and enters', async () => {
    const name = uniqueName('n');
    const ns = await Netns.create(name);
    try {
      expect(Number(statfsSync(ns.path).type)).toBe(NSFS_MAGIC);
      expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).toContain(name);
      // The same namespace through the path and through the fd, and not ours.
      const viaPath = execFileSync('ip', ['netns', 'exec', name, 'readlink', '/proc/self/ns/net'], {
        encoding: 'utf8',
      }).trim();
      expect(viaPath).toBe(readlinkSync(`/proc/self/fd/${ns.fd}`));
      expect(viaPath).not.toBe(readlinkSync('/proc/self/ns/net'));
      const rt = await Rtnetlink.open({ netns: ns });
      try {
        expect((await rt.links.list()).map((l) => l.name)).toEqual(['lo']);
      } finally {
        rt.close();
      }
    } finally {
      await ns.delete();
    }
    expect(existsSync(`/run/netns/${name}`)).toBe(false);
    expect(threadsOutsideNamespace('net')).toEqual([]);
  });

  it('a taken name is EEXIST and the namespace already there keeps its mount', async () => {
    const name = uniqueName('n');
    const first = await Netns.create(name);
    try {
      await expect(Netns.create(name)).rejects.toMatchObject({ code: 'EEXIST' });
      expect(Number(statfsSync(first.path).type)).toBe(NSFS_MAGIC);
      expect(readlinkSync(`/proc/self/fd/${first.fd}`)).toBe(
        execFileSync('ip', ['netns', 'exec', name, 'readlink', '/proc/self/ns/net'], { encoding: 'utf8' }).trim(),
      );
    } finally {
      await first.delete();
    }
    expect(existsSync(`/run/netns/${name}`)).toBe(false);
  });
});
