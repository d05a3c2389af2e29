// Namespace-scoped opening on the real kernel, and the libuv thread-pool safety check:
// after all of it, no thread of this process (main, pool, or any other) left the host netns.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { readlink, stat } from 'node:fs/promises';
import { requires, threadsOutsideNamespace, uniqueName } from '@ctrkit/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createNamespaceFd,
  createNamespaceFdSync,
  createNetns,
  createNetnsFdSync,
  currentNamespace,
  deleteNetns,
  NETLINK,
  O,
  openInNamespace,
  openNetlinkSocket,
  openNetlinkSocketSync,
} from '../src/index.js';
import { firstMessage, getLinkDump, listLinks, setLinkUp } from './helpers/rtnl.js';

const gate = requires('root', 'cap:SYS_ADMIN', 'cap:NET_ADMIN');

describe.runIf(gate.ok)('network namespaces', () => {
  const hostNet = readlinkSync(`/proc/${process.pid}/ns/net`);
  const names: string[] = [];
  const fds: number[] = [];

  afterEach(async () => {
    for (const fd of fds.splice(0)) closeSync(fd);
    for (const n of names.splice(0)) {
      if (existsSync(`/run/netns/${n}`)) await deleteNetns(n);
    }
  });

  async function nsFd(path: string): Promise<number> {
    const fd = await openInNamespace(path, '/proc/thread-self/ns/net', O.RDONLY);
    fds.push(fd);
    return fd;
  }

  async function netns(): Promise<string> {
    const name = uniqueName('sys');
    names.push(name);
    return createNetns(name);
  }

  it('creates an iproute2-compatible named netns and deletes it', async () => {
    const path = await netns();
    const name = names[0]!;
    expect(path).toBe(`/run/netns/${name}`);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).toContain(` ${path} `);
    const fd = await openInNamespace(path, '/proc/thread-self/ns/net', O.RDONLY);
    fds.push(fd);
    expect(readlinkSync(`/proc/self/fd/${fd}`)).not.toBe(hostNet);
    await expect(createNetns(name)).rejects.toMatchObject({ code: 'EEXIST', syscall: 'open', path });
    await deleteNetns(name);
    expect(existsSync(path)).toBe(false);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(` ${path} `);
    await expect(deleteNetns(name)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('createNetnsFdSync: the fd and the mount are the same new namespace; a taken name leaves nothing', async () => {
    const name = uniqueName('sys');
    names.push(name);
    const fdsBefore = readdirSync('/proc/self/fd').length;
    const fd = createNetnsFdSync(name);
    fds.push(fd);
    const path = `/run/netns/${name}`;
    expect(readlinkSync(`/proc/self/fd/${fd}`)).not.toBe(hostNet);
    expect(statSync(path).ino).toBe(fstatSync(fd).ino);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).toContain(` ${path} `);
    expect(() => createNetnsFdSync(name)).toThrow(expect.objectContaining({ code: 'EEXIST', syscall: 'open', path }));
    // The refused call's namespace fd was closed, and the existing mount is untouched.
    expect(readdirSync('/proc/self/fd').length).toBe(fdsBefore + 1);
    expect(statSync(path).ino).toBe(fstatSync(fd).ino);
    const sock = openNetlinkSocketSync(NETLINK.ROUTE, { netns: fd });
    try {
      expect(await listLinks(sock)).toEqual(['lo']);
    } finally {
      sock.close();
    }
    const anon = createNamespaceFdSync('net');
    fds.push(anon);
    expect(readlinkSync(`/proc/self/fd/${anon}`)).toMatch(/^net:\[\d+\]$/);
    expect(fstatSync(anon).ino).not.toBe(fstatSync(fd).ino);
    expect(currentNamespace('net')).toBe(hostNet);
    expect(threadsOutsideNamespace('net')).toEqual([]);
  });

  it('lists only lo through a netlink socket opened inside a new netns, and nothing moved', async () => {
    const path = await netns();
    const sock = await openNetlinkSocket(NETLINK.ROUTE, { netns: path });
    try {
      expect(sock.portId).toBeGreaterThan(0);
      expect(await listLinks(sock)).toEqual(['lo']);
    } finally {
      sock.close();
    }
    const host = await openNetlinkSocket(NETLINK.ROUTE);
    try {
      expect((await listLinks(host)).length).toBeGreaterThan(1);
    } finally {
      host.close();
    }

    // The main thread and a burst of thread-pool work (fs, from every pool thread) still
    // see the host namespace: /proc/thread-self resolves on the thread doing the call.
    expect(currentNamespace('net')).toBe(hostNet);
    const burst = await Promise.all(
      Array.from({ length: 64 }, async () => {
        await stat('/proc/self/status');
        return readlink('/proc/thread-self/ns/net');
      }),
    );
    expect(new Set(burst)).toEqual(new Set([hostNet]));
    expect(threadsOutsideNamespace('net')).toEqual([]);
    expect(threadsOutsideNamespace('mnt')).toEqual([]);
  });

  it('opens /proc/sys files inside a netns and they keep acting on it', async () => {
    const path = await netns();
    const sysctl = '/proc/sys/net/ipv4/conf/all/forwarding';
    const hostBefore = readFileSync(sysctl, 'utf8');
    const w = await openInNamespace(path, sysctl, O.WRONLY);
    fds.push(w);
    writeSync(w, hostBefore.trim() === '1' ? '0' : '1');
    const r = await openInNamespace(path, sysctl, O.RDONLY);
    fds.push(r);
    const buf = Buffer.alloc(8);
    const got = buf.toString('utf8', 0, readSync(r, buf)).trim();
    expect(got).toBe(hostBefore.trim() === '1' ? '0' : '1');
    expect(readFileSync(sysctl, 'utf8')).toBe(hostBefore);
    expect(threadsOutsideNamespace('net')).toEqual([]);
  });

  it('holds an anonymous netns by fd and opens a netlink socket in it by fd', async () => {
    const fd = await createNamespaceFd('net');
    fds.push(fd);
    expect(readlinkSync(`/proc/self/fd/${fd}`)).toMatch(/^net:\[\d+\]$/);
    expect(readlinkSync(`/proc/self/fd/${fd}`)).not.toBe(hostNet);
    const sock = await openNetlinkSocket(NETLINK.ROUTE, { netns: fd });
    try {
      expect(await listLinks(sock, 7)).toEqual(['lo']);
    } finally {
      sock.close();
    }
    expect(threadsOutsideNamespace('net')).toEqual([]);
  });

  it('makes anonymous mnt, uts and ipc namespaces without moving any thread', async () => {
    for (const kind of ['mnt', 'uts', 'ipc'] as const) {
      const fd = await createNamespaceFd(kind);
      fds.push(fd);
      const ns = readlinkSync(`/proc/self/fd/${fd}`);
      expect(ns).toMatch(new RegExp(`^${kind}:\\[\\d+\\]$`));
      expect(ns).not.toBe(readlinkSync(`/proc/${process.pid}/ns/${kind}`));
      expect(threadsOutsideNamespace(kind)).toEqual([]);
    }
    // openInNamespace can enter a mount namespace too (the thread unshares CLONE_FS first).
    const inMnt = await openInNamespace(fds.at(-3)!, '/proc/thread-self/ns/mnt', O.RDONLY);
    fds.push(inMnt);
    expect(readlinkSync(`/proc/self/fd/${inMnt}`)).toBe(readlinkSync(`/proc/self/fd/${fds.at(-4)!}`));
  });

  it('recv waits on the event loop for a datagram that arrives later', async () => {
    const path = await netns();
    const sock = await openNetlinkSocket(NETLINK.ROUTE, { netns: path, rcvbuf: 1 << 20 });
    try {
      const pending = sock.recv();
      await new Promise((r) => setTimeout(r, 30));
      sock.send(getLinkDump(9));
      const reply = await pending;
      expect(reply.readUInt32LE(8)).toBe(9); // seq of our request
      expect(reply.readUInt16LE(4)).toBe(16); // RTM_NEWLINK for lo
      const ac = new AbortController();
      const never = sock.recv({ signal: ac.signal });
      ac.abort(new Error('gave up'));
      await expect(never).rejects.toThrow('gave up');
    } finally {
      sock.close();
    }
  });

  it('delivers multicast events to a socket bound to groups in the same netns', async () => {
    const path = await netns();
    const RTMGRP_LINK = 1;
    const events = await openNetlinkSocket(NETLINK.ROUTE, { netns: path, groups: RTMGRP_LINK });
    const control = await openNetlinkSocket(NETLINK.ROUTE, { netns: path });
    try {
      const event = events.recv(); // pending before anything happens
      control.send(setLinkUp(3, 1));
      expect(firstMessage(await control.recv())).toEqual({ type: 2, seq: 3, error: 0 }); // ACK
      const got = firstMessage(await event);
      expect(got.type).toBe(16); // RTM_NEWLINK notification for lo going up
      expect(got.seq).toBe(0);
    } finally {
      events.close();
      control.close();
    }
    expect(threadsOutsideNamespace('net')).toEqual([]);
  });

  it('opens by the /proc/PID/ns/net path of a process living in the netns', async () => {
    const path = await netns();
    const name = path.slice('/run/netns/'.length);
    // iproute2 itself enters our namespace: proof the bind mount is what `ip netns` expects.
    const child = spawn('ip', ['netns', 'exec', name, 'sleep', '30'], { stdio: 'ignore' });
    try {
      const nsLink = `/proc/${child.pid}/ns/net`;
      const inNs = readlinkSync(`/proc/self/fd/${await nsFd(path)}`);
      for (let i = 0; i < 200 && readlinkSync(nsLink) !== inNs; i++) await new Promise((r) => setTimeout(r, 10));
      expect(readlinkSync(nsLink)).toBe(inNs);
      const sock = await openNetlinkSocket(NETLINK.ROUTE, { netns: nsLink });
      try {
        expect(await listLinks(sock, 11)).toEqual(['lo']);
      } finally {
        sock.close();
      }
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('rejects a closed socket and a path that is not a namespace', async () => {
    const sock = await openNetlinkSocket(NETLINK.ROUTE);
    const pending = sock.recv();
    sock.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    expect(() => sock.send(Buffer.alloc(16))).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
    await expect(openNetlinkSocket(NETLINK.ROUTE, { netns: '/etc/hostname' })).rejects.toMatchObject({
      code: 'EINVAL',
      syscall: 'setns',
      path: '/etc/hostname',
    });
    await expect(openInNamespace('/nonexistent/ns', '/x', O.RDONLY)).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: 'open',
      path: '/nonexistent/ns',
    });
  });
});
