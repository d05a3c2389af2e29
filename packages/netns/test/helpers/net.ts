// System-test helpers: subnets unlikely to clash with concurrent suites (derived from the
// pid), a namespace that plays the host (with an uplink so proxy ARP has a unicast route),
// pings from inside a namespace, and polling for the kernel's asynchronous teardown.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { uniqueName } from '@ctrkit/testkit';
import { Netns, Rtnetlink } from '../../src/index.js';

const run = promisify(execFile);
let subnetCounter = 0;

/** `10.X.Y` (a /24 prefix without the last octet), different per process and per call. */
export function subnet(): string {
  subnetCounter += 1;
  return `10.${100 + (process.pid % 150)}.${(Math.floor(process.pid / 150) * 7 + subnetCounter * 13) % 250}`;
}

export interface FakeHost {
  readonly ns: Netns;
  readonly rt: Rtnetlink;
  /** The host's own address (on its uplink). */
  readonly address: string;
  close(): Promise<void>;
}

/** A namespace playing the host: an uplink veth pair with an address and a default route. */
export async function fakeHost(tag = 'h'): Promise<FakeHost> {
  const ns = await Netns.create(uniqueName(tag));
  const rt = await Rtnetlink.open({ netns: ns });
  const net = subnet();
  try {
    await rt.links.add({ name: 'up0', kind: 'veth', peer: { name: 'up1' } });
    await rt.links.set('up0', { up: true });
    await rt.links.set('up1', { up: true });
    await rt.addresses.add({ dev: 'up0', address: `${net}.1/24` });
    await rt.routes.add({ dst: 'default', gateway: `${net}.2`, dev: 'up0' });
  } catch (err) {
    rt.close();
    await ns.delete();
    throw err;
  }
  return {
    ns,
    rt,
    address: `${net}.1`,
    async close() {
      rt.close();
      await ns.delete();
    },
  };
}

/** True when one ping from inside `ns` to `ip` is answered within 2 s. */
export async function ping(ns: Netns, ip: string): Promise<boolean> {
  try {
    await run('nsenter', [`--net=${ns.path}`, 'ping', '-c', '1', '-W', '2', '-q', ip]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Pings every address in `ips` once from inside `ns`; returns the ones that did not answer.
 * One nsenter + shell per namespace, not one Node spawn per ping: the matrix tests send
 * hundreds, and the kernel-v2 VM runs spawns slowly.
 */
export async function pingAll(ns: Netns, ips: readonly string[]): Promise<string[]> {
  const script = 'for ip; do ping -c 1 -W 2 -q "$ip" >/dev/null 2>&1 || echo "$ip"; done';
  const { stdout } = await run('nsenter', [`--net=${ns.path}`, 'sh', '-c', script, 'sh', ...ips]);
  return stdout.split('\n').filter(Boolean);
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

/** Polls `check` until it returns true (the kernel removes veths ~30 ms after netns del). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

export function netnsExists(name: string): boolean {
  return existsSync(`/run/netns/${name}`);
}
