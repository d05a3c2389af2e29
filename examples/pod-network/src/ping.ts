// The ping matrix: every pod pings every host's wire address and every other pod,
// with iputils ping run inside the pod's namespace (nsenter --net), a few at a time.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Topology } from './topology.js';

const run = promisify(execFile);

export interface PingResult {
  readonly from: string;
  readonly to: string;
  readonly ok: boolean;
  readonly ms?: number;
}

async function ping(nsPath: string, ip: string): Promise<{ ok: boolean; ms?: number }> {
  try {
    const { stdout } = await run('nsenter', [`--net=${nsPath}`, 'ping', '-c', '1', '-W', '2', ip]);
    const m = /time=([\d.]+) ms/.exec(stdout);
    return m ? { ok: true, ms: Number(m[1]) } : { ok: true };
  } catch {
    return { ok: false };
  }
}

export async function pingMatrix(t: Topology, parallel = 6): Promise<PingResult[]> {
  const pods = t.hosts.flatMap((h) => h.pods);
  const targets = [
    ...t.hosts.map((h) => ({ name: h.name, ip: h.wireIp })),
    ...pods.map((p) => ({ name: p.name, ip: p.ip })),
  ];
  const jobs = pods.flatMap((p) => targets.filter((x) => x.name !== p.name).map((x) => ({ p, x })));
  const out: PingResult[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        const { p, x } = jobs[i]!;
        out[i] = { from: p.name, to: x.name, ...(await ping(p.ns.path, x.ip)) };
      }
    }),
  );
  return out;
}
