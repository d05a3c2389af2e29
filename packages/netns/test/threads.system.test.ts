// The per-thread setns hazard (shared/reference/netns.md §1): after namespaces are
// created and sockets opened inside them, no JS or libuv thread may be left elsewhere.

import { readlinkSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { requires, threadsOutsideNamespace, uniqueName } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';
import { Netns, Rtnetlink } from '../src/index.js';

const gate = requires('root');

describe.runIf(gate.ok)('threads stay in the host network namespace', () => {
  it('a socket opened in a fresh namespace sees only lo, and every thread (libuv pool included) stays home', async () => {
    const home = readlinkSync(`/proc/${process.pid}/ns/net`);
    const named = await Netns.create(uniqueName('t'));
    const anon = await Netns.create();
    try {
      for (const ns of [named, anon]) {
        const rt = await Rtnetlink.open({ netns: ns });
        try {
          expect((await rt.links.list()).map((l) => l.name)).toEqual(['lo']);
          await rt.links.setNeighConf('lo', { proxy_delay: 0 });
        } finally {
          rt.close();
        }
      }
      // /proc/thread-self resolves on the thread that runs the call: these run on the libuv pool.
      const seen = await Promise.all(Array.from({ length: 32 }, () => readlink('/proc/thread-self/ns/net')));
      expect(new Set(seen)).toEqual(new Set([home]));
      expect(threadsOutsideNamespace('net')).toEqual([]);
      expect(readlinkSync(`/proc/${process.pid}/fd/${named.fd}`)).not.toBe(home);
    } finally {
      await named.delete();
      await anon.delete();
    }
  });

  it('Netns.open refuses a path that is not a namespace, and a missing name', async () => {
    await expect(Netns.open('/etc/hostname')).rejects.toMatchObject({ code: 'ERR_NOT_A_NETNS' });
    await expect(Netns.open(uniqueName('missing'))).rejects.toMatchObject({ code: 'ERR_NETNS_NOT_FOUND' });
  });

  it('Netns.list shows a created namespace; delete removes it and is idempotent', async () => {
    const ns = await Netns.create(uniqueName('l'));
    expect(await Netns.list()).toContain(ns.name);
    await ns.delete();
    await ns.delete();
    expect(await Netns.list()).not.toContain(ns.name);
  });
});
