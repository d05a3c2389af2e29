// The CNI binaries as a runtime calls them, per pod: `ctrkit-cni` (Node, the built
// dist/cni/main.js) against the reference `ptp` plugin (Go), both with host-local style
// IPAM, ADD then DEL, on a namespace playing the host. This measures process start-up as
// much as wiring: the library call itself is in netns-wire.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Netns, Rtnetlink } from '@ctrkit/netns';
import { report, type Sample } from './harness.js';
import { runNetnsInput, runNetnsSuffix, useTmpfsRunNetns } from './run-netns.js';

useTmpfsRunNetns(import.meta.filename);

const run = promisify(execFile);
const PODS = Number(process.env.NETNS_CNI_BENCH_PODS ?? 20);
const BIN = join(import.meta.dirname, '..', '..', 'packages', 'netns', 'dist', 'cni', 'main.js');
const PTP = '/usr/lib/cni/ptp';
const tag = (process.pid % 46656).toString(36);
const net = `10.${100 + (process.pid % 150)}.${((process.pid >> 3) + 97) % 250}`;

if (!existsSync(BIN)) {
  console.error(`netns-cni: ${BIN} is missing; run \`npm run build\` first (npm run bench does)`);
  process.exit(1);
}

function sample(samples: number[]): Sample {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples };
}

function call(host: string, argv: string[], env: NodeJS.ProcessEnv, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=/run/netns/${host}`, ...argv], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv[0]} exit ${code}: ${out}`))));
    child.stdin.end(input);
  });
}

async function bench(kind: 'ctrkit' | 'ptp'): Promise<{ add: Sample; del: Sample }> {
  const host = `ctkbc${tag}${kind[0]}`;
  const hns = await Netns.create(host);
  const rt = await Rtnetlink.open({ netns: hns });
  const dataDir = mkdtempSync(join(tmpdir(), 'ctrkit-netns-cni-bench-'));
  const add: number[] = [];
  const del: number[] = [];
  try {
    await rt.links.add({ name: 'up0', kind: 'veth', peer: { name: 'up1' } });
    await rt.links.set('up0', { up: true });
    await rt.links.set('up1', { up: true });
    await rt.addresses.add({ dev: 'up0', address: '10.255.254.1/24' });
    await rt.routes.add({ dst: 'default', gateway: '10.255.254.2', dev: 'up0' });
    const conf = JSON.stringify(
      kind === 'ptp'
        ? {
            cniVersion: '1.0.0',
            name: 'ctkb',
            type: 'ptp',
            ipMasq: false,
            ipam: { type: 'host-local', subnet: `${net}.0/24`, dataDir },
          }
        : { cniVersion: '1.0.0', name: 'ctkb', type: 'ctrkit-cni', ipam: { subnet: `${net}.0/24`, dataDir } },
    );
    const argv = kind === 'ptp' ? [PTP] : [process.execPath, BIN];
    const env = (i: number, command: string): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH,
      ...(process.env.CTRKIT_SYS_ADDON ? { CTRKIT_SYS_ADDON: process.env.CTRKIT_SYS_ADDON } : {}),
      CNI_COMMAND: command,
      CNI_CONTAINERID: `ctkb${tag}${i}`,
      CNI_NETNS: `/run/netns/${host}p${i}`,
      CNI_IFNAME: 'eth0',
      CNI_PATH: '/usr/lib/cni',
    });
    for (let i = 0; i < PODS; i++) {
      await run('ip', ['netns', 'add', `${host}p${i}`]);
      const t0 = performance.now();
      await call(host, argv, env(i, 'ADD'), conf);
      add.push(performance.now() - t0);
    }
    for (let i = 0; i < PODS; i++) {
      const t0 = performance.now();
      await call(host, argv, env(i, 'DEL'), conf);
      del.push(performance.now() - t0);
    }
  } finally {
    for (let i = 0; i < PODS; i++) await run('ip', ['netns', 'del', `${host}p${i}`]).catch(() => {});
    rt.close();
    await hns.delete();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { add: sample(add), del: sample(del) };
}

const ours = await bench('ctrkit');
const ptp = await bench('ptp');
report({
  name: `netns-cni${runNetnsSuffix}`,
  description: `one CNI ADD per pod, ${PODS} pods, median per call: ctrkit-cni (node dist/cni/main.js) vs CNI ptp 1.1.1`,
  inputs: {
    pods: PODS,
    ipam: 'host-local layout',
    wiring: 'ctrkit: Calico routed; ptp: its own /24 + host /32',
    runNetns: runNetnsInput,
  },
  ours: ours.add,
  peers: { 'cni-ptp': ptp.add },
  extra: {
    del: {
      ours: ours.del.median,
      ptp: ptp.del.median,
      'ours/ptp': Number((ours.del.median / ptp.del.median).toFixed(3)),
    },
  },
});
