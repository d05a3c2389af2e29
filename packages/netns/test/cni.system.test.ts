// The ctrkit-cni binary driven exactly as a runtime does: CNI_* in the environment, the
// network configuration on stdin, JSON on stdout. It runs inside a namespace playing the
// host (nsenter), so the machine's own namespace is never touched.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, requires, threadsOutsideNamespace, uniqueName } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cniHostIfName, Netns } from '../src/index.js';
import { type FakeHost, fakeHost, ping, subnet } from './helpers/net.js';

const gate = requires('root', 'link:veth', 'binary:nsenter', 'binary:ping');
const pkgDir = join(import.meta.dirname, '..');
const main = join(pkgDir, 'src', 'cni', 'main.ts');

interface Run {
  code: number;
  json: Record<string, unknown> | undefined;
  stdout: string;
}

function cni(host: FakeHost, env: Record<string, string>, stdin: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      'nsenter',
      [`--net=${host.ns.path}`, process.execPath, '--conditions=@ctrkit/source', '--import', 'tsx', main],
      {
        cwd: pkgDir,
        // A runtime passes only PATH and CNI_*; CTRKIT_SYS_ADDON is kept so a relocated addon is found.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...pick('CTRKIT_SYS_ADDON'), ...env },
      },
      (err, stdout) => {
        const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
        resolve({ code, stdout, json: stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : undefined });
      },
    );
    child.stdin?.end(stdin);
  });
}

function pick(name: string): Record<string, string> {
  const v = process.env[name];
  return v === undefined ? {} : { [name]: v };
}

function expectResultShape(r: Record<string, unknown>, sandbox: string): void {
  // CNI SPEC 1.0 "Success": interfaces[{name, mac, sandbox?}], ips[{address CIDR, gateway?, interface?}], routes[{dst, gw?}], dns{}.
  expect(r.cniVersion).toBe('1.0.0');
  const interfaces = r.interfaces as { name: string; mac: string; sandbox?: string }[];
  expect(interfaces).toHaveLength(2);
  for (const i of interfaces) {
    expect(i.name).toMatch(/^[^\s/]{1,15}$/);
    expect(i.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  }
  expect(interfaces[0]?.sandbox).toBeUndefined();
  expect(interfaces[1]).toMatchObject({ name: 'eth0', sandbox });
  const ips = r.ips as { address: string; gateway: string; interface: number }[];
  expect(ips).toHaveLength(1);
  expect(ips[0]?.address).toMatch(/^\d+\.\d+\.\d+\.\d+\/32$/);
  expect(ips[0]).toMatchObject({ gateway: '169.254.1.1', interface: 1 });
  expect(r.routes).toEqual([{ dst: '0.0.0.0/0', gw: '169.254.1.1' }]);
  expect(r.dns).toEqual({});
}

describe.runIf(gate.ok)('ctrkit-cni (CNI 1.0 ADD/CHECK/DEL/VERSION)', () => {
  let host: FakeHost;
  let pod: Netns;
  let dataDir: string;
  const net = subnet();
  const containerId = uniqueName('c', 40);
  let conf: Record<string, unknown>;
  const env = () => ({
    CNI_CONTAINERID: containerId,
    CNI_NETNS: pod.path,
    CNI_IFNAME: 'eth0',
    CNI_PATH: '/usr/lib/cni',
  });

  beforeAll(async () => {
    host = await fakeHost();
    pod = await Netns.create(uniqueName('p'));
    dataDir = await makeTempDir('netns-cni');
    conf = {
      cniVersion: '1.0.0',
      name: 'ctknet',
      type: 'ctrkit-cni',
      mtu: 1400,
      ipam: { subnet: `${net}.0/24`, dataDir },
    };
  });

  afterAll(async () => {
    await pod?.delete();
    await host?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    expect(threadsOutsideNamespace('net')).toEqual([]);
  });

  it('VERSION lists the supported versions', async () => {
    const r = await cni(host, { CNI_COMMAND: 'VERSION' }, '{"cniVersion":"1.0.0"}');
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ cniVersion: '1.0.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0'] });
  });

  let result: Record<string, unknown>;

  it('ADD wires the pod and returns a spec-shaped result; the pod reaches the host', async () => {
    const forwardBefore = await readIpForward(host);
    const r = await cni(host, { CNI_COMMAND: 'ADD', ...env() }, JSON.stringify(conf));
    expect(r.stdout).not.toContain('"code"');
    expect(r.code).toBe(0);
    result = r.json!;
    expectResultShape(result, pod.path);
    const hostIf = (result.interfaces as { name: string }[])[0]!.name;
    expect(hostIf).toBe(cniHostIfName(containerId, 'eth0'));
    expect(await host.rt.links.get(hostIf)).toMatchObject({ mtu: 1400, numTxQueues: 1, numRxQueues: 1 });
    expect(existsSync(join(dataDir, 'ctknet', `${net}.2`))).toBe(true);
    expect(await ping(pod, host.address)).toBe(true);
    // Unlike ptp and bridge, no host-wide sysctl is changed.
    expect(await readIpForward(host)).toBe(forwardBefore);
  });

  it('CHECK with prevResult succeeds while the wiring is intact', async () => {
    const r = await cni(host, { CNI_COMMAND: 'CHECK', ...env() }, JSON.stringify({ ...conf, prevResult: result }));
    expect(r).toMatchObject({ code: 0, stdout: '' });
  });

  it('DEL removes the veth, routes and the address reservation, and is idempotent', async () => {
    const hostIf = cniHostIfName(containerId, 'eth0');
    const r = await cni(host, { CNI_COMMAND: 'DEL', ...env() }, JSON.stringify(conf));
    expect(r.code).toBe(0);
    expect(await host.rt.links.find(hostIf)).toBeUndefined();
    expect(readdirSync(join(dataDir, 'ctknet')).filter((f) => f.startsWith(net))).toEqual([]);
    const again = await cni(host, { CNI_COMMAND: 'DEL', ...env() }, JSON.stringify(conf));
    expect(again.code).toBe(0);
    const noNetns = await cni(host, { CNI_COMMAND: 'DEL', ...env(), CNI_NETNS: '' }, JSON.stringify(conf));
    expect(noNetns.code).toBe(0);
  });

  it('CHECK after DEL fails with a CNI error object', async () => {
    const r = await cni(host, { CNI_COMMAND: 'CHECK', ...env() }, JSON.stringify({ ...conf, prevResult: result }));
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ cniVersion: '1.0.0', code: 100 });
    expect(String(r.json?.msg)).toContain('missing');
  });

  it('ADD replaces a stale host veth left by an interrupted ADD (calico/cni-plugin#275)', async () => {
    const id = uniqueName('s', 40);
    const stale = cniHostIfName(id, 'eth0');
    await host.rt.links.add({ name: stale, kind: 'veth', peer: { name: 'stalepeer' } });
    const e = { CNI_CONTAINERID: id, CNI_NETNS: pod.path, CNI_IFNAME: 'eth0' };
    const r = await cni(host, { CNI_COMMAND: 'ADD', ...e }, JSON.stringify(conf));
    expect(r.code).toBe(0);
    expect(await host.rt.links.find('stalepeer')).toBeUndefined();
    expect((await host.rt.links.get(stale)).inetConf.proxy_arp).toBe(1);
    expect((await cni(host, { CNI_COMMAND: 'DEL', ...e }, JSON.stringify(conf))).code).toBe(0);
    expect(await host.rt.links.find(stale)).toBeUndefined();
  });

  it('bad input gets CNI error codes: unknown version (1), missing env (4), bad JSON (6)', async () => {
    expect((await cni(host, { CNI_COMMAND: 'ADD', ...env() }, '{"cniVersion":"0.1.0","name":"x"}')).json).toMatchObject(
      { code: 1 },
    );
    expect((await cni(host, { CNI_COMMAND: 'ADD', CNI_IFNAME: 'eth0' }, JSON.stringify(conf))).json).toMatchObject({
      code: 4,
    });
    expect((await cni(host, { CNI_COMMAND: 'ADD', ...env() }, '{nope')).json).toMatchObject({ code: 6 });
  });
});

async function readIpForward(host: FakeHost): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('nsenter', [`--net=${host.ns.path}`, 'cat', '/proc/sys/net/ipv4/ip_forward'], (err, out) =>
      err ? reject(err) : resolve(out.trim()),
    ),
  );
}
