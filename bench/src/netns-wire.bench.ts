// Wiring and tearing down 100 Calico-style routed pods (netns + veth + address + routes +
// sysctls) on a namespace playing the host: @ctrkit/netns over rtnetlink against the same
// wiring scripted with `ip` (one spawn per step), with `ip -batch` (4 spawns per pod), and
// against the reference CNI `ptp` plugin per pod (containernetworking-plugins, host-local
// IPAM), alone and after the `loopback` plugin as a runtime runs them (our wiring brings lo
// up too). Everything lives in namespaces this benchmark creates; the machine's own is untouched.
// Named namespaces go to a tmpfs /run/netns in a private mount namespace (run-netns.ts says why).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Netns, Rtnetlink, unwireRoutedPod, wireRoutedPod } from '@ctrkit/netns';
import { report, type Sample, waitForIdle } from './harness.js';
import { runNetnsInput, runNetnsSuffix, useTmpfsRunNetns } from './run-netns.js';

useTmpfsRunNetns(import.meta.filename);

const run = promisify(execFile);
const PODS = Number(process.env.NETNS_BENCH_PODS ?? 100);
const REPS = Number(process.env.NETNS_BENCH_REPS ?? 5);
const WARMUP = Number(process.env.NETNS_BENCH_WARMUP ?? 1);
const PTP = '/usr/lib/cni/ptp';
const LOOPBACK = '/usr/lib/cni/loopback';
const tag = (process.pid % 46656).toString(36);
const net = `10.${100 + (process.pid % 150)}.${(process.pid >> 3) % 250}`;
let round = 0;

function sample(samples: number[]): Sample {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples };
}

function ip(args: string[]): Promise<unknown> {
  return run('ip', args);
}

function withStdin(cmd: string, args: string[], input: string, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err}${out}`)),
    );
    child.stdin.end(input);
  });
}

/** A namespace playing the host: an uplink veth pair and a default route (proxy ARP needs it). */
async function makeHost(): Promise<{ name: string; ns: Netns; rt: Rtnetlink }> {
  const name = `ctkbh${tag}${round++}`;
  const ns = await Netns.create(name);
  const rt = await Rtnetlink.open({ netns: ns });
  await rt.links.add({ name: 'up0', kind: 'veth', peer: { name: 'up1' } });
  await rt.links.set('up0', { up: true });
  await rt.links.set('up1', { up: true });
  await rt.addresses.add({ dev: 'up0', address: '10.255.255.1/24' });
  await rt.routes.add({ dst: 'default', gateway: '10.255.255.2', dev: 'up0' });
  return { name, ns, rt };
}

const podName = (h: string, i: number) => `${h}p${i}`;
const hostIf = (i: number) => `cali${tag}b${i}`;
const podIp = (i: number) => `${net}.${i + 2}`;

/** Polls until the host namespace has only its uplink (the kernel removes veths asynchronously). */
async function settled(rt: Rtnetlink): Promise<void> {
  for (;;) {
    const links = await rt.links.list();
    if (links.every((l) => !l.name.startsWith('cali') && !l.name.startsWith('veth'))) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Approach {
  wire(host: string, hrt: Rtnetlink, i: number): Promise<void>;
  teardown(host: string, hrt: Rtnetlink, i: number): Promise<void>;
}

const pods = new Map<number, Netns>();

const ours: Approach = {
  async wire(host, hrt, i) {
    const ns = await Netns.create(podName(host, i));
    pods.set(i, ns);
    await wireRoutedPod({ host: hrt, podNs: ns, hostIfName: hostIf(i), podIp: podIp(i) });
  },
  async teardown(_host, _hrt, i) {
    // Deleting the namespace lets the kernel batch the veth teardown (netns.md §9).
    await pods.get(i)?.delete();
    pods.delete(i);
  },
};

// The kernel's own veth queue count (one per possible CPU since 5.15), for the design
// choice of one queue per end: the same wiring, only `queues` differs. With two possible
// CPUs here the difference is small; the 64-queue run shows what it is on a large host.
const possibleCpus = (() => {
  const last = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim().split(/[-,]/).pop();
  return Number(last) + 1;
})();
const withQueues = (queues: number): Approach => ({
  async wire(host, hrt, i) {
    const ns = await Netns.create(podName(host, i));
    pods.set(i, ns);
    await wireRoutedPod({ host: hrt, podNs: ns, hostIfName: hostIf(i), podIp: podIp(i), queues });
  },
  teardown: ours.teardown,
});
const oursPerCpuQueues = withQueues(possibleCpus);
// What the kernel would make by default on a host with 64 possible CPUs.
const HOST64_QUEUES = 64;
const ours64Queues = withQueues(HOST64_QUEUES);

const ourExplicit: Approach = {
  wire: ours.wire,
  async teardown(_host, hrt, i) {
    await unwireRoutedPod({ host: hrt, hostIfName: hostIf(i) });
    await pods.get(i)?.delete();
    pods.delete(i);
  },
};

const sysctls = (i: number) =>
  `echo 1 > /proc/sys/net/ipv4/conf/${hostIf(i)}/proxy_arp; echo 1 > /proc/sys/net/ipv4/conf/${hostIf(i)}/forwarding; echo 1 > /proc/sys/net/ipv4/conf/${hostIf(i)}/route_localnet; echo 0 > /proc/sys/net/ipv4/neigh/${hostIf(i)}/proxy_delay`;

const ipScript: Approach = {
  async wire(host, _hrt, i) {
    const pod = podName(host, i);
    const h = hostIf(i);
    await ip(['netns', 'add', pod]);
    await ip(['-n', host, 'link', 'add', h, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod]);
    await run('ip', ['netns', 'exec', host, 'sh', '-c', sysctls(i)]);
    await ip(['-n', host, 'link', 'set', h, 'up']);
    await ip(['-n', host, 'route', 'add', `${podIp(i)}/32`, 'dev', h, 'scope', 'link']);
    await ip(['-n', pod, 'link', 'set', 'lo', 'up']);
    await ip(['-n', pod, 'link', 'set', 'eth0', 'up']);
    await ip(['-n', pod, 'addr', 'add', `${podIp(i)}/32`, 'dev', 'eth0']);
    await ip(['-n', pod, 'route', 'add', '169.254.1.1/32', 'dev', 'eth0', 'scope', 'link']);
    await ip(['-n', pod, 'route', 'add', 'default', 'via', '169.254.1.1', 'dev', 'eth0']);
  },
  async teardown(host, _hrt, i) {
    await ip(['netns', 'del', podName(host, i)]);
  },
};

const ipBatch: Approach = {
  async wire(host, _hrt, i) {
    const pod = podName(host, i);
    const h = hostIf(i);
    await ip(['netns', 'add', pod]);
    await withStdin('ip', ['-n', host, '-batch', '-'], `link add ${h} type veth peer name eth0 netns ${pod}\n`);
    await run('ip', ['netns', 'exec', host, 'sh', '-c', sysctls(i)]);
    await withStdin(
      'ip',
      ['-n', host, '-batch', '-'],
      `link set ${h} up\nroute add ${podIp(i)}/32 dev ${h} scope link\n`,
    );
    await withStdin(
      'ip',
      ['-n', pod, '-batch', '-'],
      `link set lo up\nlink set eth0 up\naddr add ${podIp(i)}/32 dev eth0\nroute add 169.254.1.1/32 dev eth0 scope link\nroute add default via 169.254.1.1 dev eth0\n`,
    );
  },
  teardown: ipScript.teardown,
};

let ptpDataDir = '';
const ptpConf = () =>
  JSON.stringify({
    cniVersion: '1.0.0',
    name: 'ctkbench',
    type: 'ptp',
    ipMasq: false,
    ipam: { type: 'host-local', subnet: `${net}.0/24`, routes: [{ dst: '0.0.0.0/0' }], dataDir: ptpDataDir },
  });
const ptpEnv = (host: string, i: number, command: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  CNI_COMMAND: command,
  CNI_CONTAINERID: `ctkbench${tag}${i}`,
  CNI_NETNS: `/run/netns/${podName(host, i)}`,
  CNI_IFNAME: 'eth0',
  CNI_PATH: '/usr/lib/cni',
});

const ptp: Approach = {
  async wire(host, _hrt, i) {
    await ip(['netns', 'add', podName(host, i)]);
    await withStdin('nsenter', [`--net=/run/netns/${host}`, PTP], ptpConf(), ptpEnv(host, i, 'ADD'));
  },
  async teardown(host, _hrt, i) {
    await withStdin('nsenter', [`--net=/run/netns/${host}`, PTP], ptpConf(), ptpEnv(host, i, 'DEL'));
    await ip(['netns', 'del', podName(host, i)]);
  },
};

// ptp leaves the pod's lo down; a runtime runs the loopback plugin for that (containerd's
// CRI always does), and our wiring brings lo up itself. This is the same work as ours.
const loopbackConf = JSON.stringify({ cniVersion: '1.0.0', name: 'ctkbench-lo', type: 'loopback' });
const loopbackEnv = (host: string, i: number, command: string): NodeJS.ProcessEnv => ({
  ...ptpEnv(host, i, command),
  CNI_IFNAME: 'lo',
});
const ptpWithLoopback: Approach = {
  async wire(host, _hrt, i) {
    await ip(['netns', 'add', podName(host, i)]);
    await withStdin(LOOPBACK, [], loopbackConf, loopbackEnv(host, i, 'ADD'));
    await withStdin('nsenter', [`--net=/run/netns/${host}`, PTP], ptpConf(), ptpEnv(host, i, 'ADD'));
  },
  teardown: ptp.teardown,
};

/** One run of an approach: a fresh host namespace, PODS pods wired, then torn down. */
async function measureOnce(a: Approach): Promise<{ wire: number; teardown: number }> {
  const h = await makeHost();
  ptpDataDir = mkdtempSync(join(tmpdir(), 'ctrkit-netns-bench-'));
  try {
    let t0 = performance.now();
    for (let i = 0; i < PODS; i++) await a.wire(h.name, h.rt, i);
    const wire = performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < PODS; i++) await a.teardown(h.name, h.rt, i);
    await settled(h.rt);
    return { wire, teardown: performance.now() - t0 };
  } finally {
    for (const ns of pods.values()) await ns.delete();
    pods.clear();
    for (let i = 0; i < PODS; i++) await run('ip', ['netns', 'del', podName(h.name, i)]).catch(() => {});
    h.rt.close();
    await h.ns.delete();
    rmSync(ptpDataDir, { recursive: true, force: true });
  }
}

const perPod = (s: Sample) => Number((s.median / PODS).toFixed(3));

// The runs are interleaved (every approach once, then again, REPS times) so that a change
// of load on the shared machine touches all of them alike, each round in a rotated order
// (so no approach always follows the same one), and each starts once the machine is idle:
// the kernel destroys the previous run's namespaces later, on a workqueue holding the RTNL,
// and that work would otherwise land in whichever run comes next.
// A first round is untimed, as the harness's measure() does (warmup: 1): binaries in the
// page cache for the peers, compiled code for ours (whose first 100 pods run interpreted).
const approaches = {
  ours,
  oursPerCpuQueues,
  ours64Queues,
  oursExplicitDel: ourExplicit,
  ip: ipScript,
  ipBatch,
  ptp,
  ptpWithLoopback,
};
type Name = keyof typeof approaches;
const names = Object.keys(approaches) as Name[];
const runs = Object.fromEntries(names.map((n) => [n, { wire: [] as number[], teardown: [] as number[] }])) as Record<
  Name,
  { wire: number[]; teardown: number[] }
>;
for (let rep = -WARMUP; rep < REPS; rep++) {
  const shift = (rep + WARMUP) % names.length;
  for (const n of [...names.slice(shift), ...names.slice(0, shift)]) {
    await waitForIdle();
    const r = await measureOnce(approaches[n]);
    if (rep < 0) continue;
    runs[n].wire.push(r.wire);
    runs[n].teardown.push(r.teardown);
  }
}
const results = Object.fromEntries(
  names.map((n) => [n, { wire: sample(runs[n].wire), teardown: sample(runs[n].teardown) }]),
) as Record<Name, { wire: Sample; teardown: Sample }>;

const inputs = {
  pods: PODS,
  reps: REPS,
  warmup: WARMUP,
  wiring:
    'Calico routed: netns, veth with peer in pod, /32, 169.254.1.1 scope link, default via it, host proxy_arp/forwarding/route_localnet, proxy_delay=0, host /32 route',
  runNetns: runNetnsInput,
};

report({
  name: `netns-wire${runNetnsSuffix}`,
  description: `wire ${PODS} Calico-style routed pods (median of ${REPS} interleaved runs after ${WARMUP} untimed, whole batch)`,
  inputs,
  ours: results.ours.wire,
  peers: {
    'ip-script': results.ip.wire,
    'ip-batch': results.ipBatch.wire,
    'cni-ptp': results.ptp.wire,
    'cni-loopback+ptp': results.ptpWithLoopback.wire,
  },
  goals: { 'ours/ip-script': '<= 0.1', 'ours/cni-ptp': '<= 0.1', 'ours/cni-loopback+ptp': '<= 0.1' },
  extra: {
    msPerPod: {
      ours: perPod(results.ours.wire),
      ipScript: perPod(results.ip.wire),
      ipBatch: perPod(results.ipBatch.wire),
      ptp: perPod(results.ptp.wire),
      loopbackPtp: perPod(results.ptpWithLoopback.wire),
    },
  },
});

report({
  name: `netns-wire-queues${runNetnsSuffix}`,
  description: `the same wiring of ${PODS} pods with one queue per veth end (ours) against the kernel's default of one per possible CPU (${possibleCpus} here), and against ${HOST64_QUEUES} (a 64-CPU host's default)`,
  inputs: { ...inputs, possibleCpus },
  ours: results.ours.wire,
  peers: { 'per-cpu-queues': results.oursPerCpuQueues.wire, [`${HOST64_QUEUES}-queues`]: results.ours64Queues.wire },
  extra: {
    msPerPod: {
      ours: perPod(results.ours.wire),
      perCpuQueues: perPod(results.oursPerCpuQueues.wire),
      queues64: perPod(results.ours64Queues.wire),
    },
  },
});

report({
  name: `netns-teardown${runNetnsSuffix}`,
  description: `tear down the same ${PODS} pods until the host side is gone (ours: netns delete; ours-explicit: RTM_DELLINK + netns delete)`,
  inputs,
  ours: results.ours.teardown,
  peers: {
    'ours-explicit-dellink': results.oursExplicitDel.teardown,
    'ip-netns-del': results.ip.teardown,
    'cni-ptp-del': results.ptp.teardown,
  },
  extra: {
    msPerPod: {
      ours: perPod(results.ours.teardown),
      oursExplicitDellink: perPod(results.oursExplicitDel.teardown),
      ipNetnsDel: perPod(results.ip.teardown),
      ptpDel: perPod(results.ptp.teardown),
    },
  },
});
