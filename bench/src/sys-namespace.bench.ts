// Why @ctrkit/sys's namespace calls have *Sync variants, and why @ctrkit/netns uses them:
// the work (unshare, setns + socket) runs on a throw-away pthread either way; the promise
// variant gets there through the libuv pool and back, the sync one starts the thread from
// the calling thread and waits. Per call, in one run, taking turns: a named netns
// (createNetnsFdSync vs createNetns vs `ip netns add`, the tool a script would use), and
// a NETLINK_ROUTE socket inside a namespace (openNetlinkSocketSync vs openNetlinkSocket).
// Each call follows a 1 ms pause, as in pod wiring where other work comes between them:
// back to back, the pool's threads are still awake and the round trip costs less.
import { execFile } from 'node:child_process';
import { closeSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  createNetns,
  createNetnsFdSync,
  deleteNetns,
  NETLINK,
  openNetlinkSocket,
  openNetlinkSocketSync,
} from '@ctrkit/sys';
import { report, type Sample } from './harness.js';
import { runNetnsInput, runNetnsSuffix, useTmpfsRunNetns } from './run-netns.js';

useTmpfsRunNetns(import.meta.filename);

const run = promisify(execFile);
const CALLS = Number(process.env.SYS_NS_BENCH_CALLS ?? 200);
const IP_CALLS = Number(process.env.SYS_NS_BENCH_IP_CALLS ?? 40);
const ROUNDS = 3;
const tag = `ctkbs${(process.pid % 46656).toString(36)}`;

function sample(xs: number[]): Sample {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1]!, min: sorted[0]!, max: sorted.at(-1)!, samples: xs };
}

/** Per-call medians of each variant, variants taking turns call by call; the first round is untimed. */
async function perCall(
  variants: Record<string, { calls: number; once: (i: number) => Promise<number> }>,
): Promise<Record<string, Sample>> {
  const medians: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = -1; round < ROUNDS; round++) {
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    const most = Math.max(...Object.values(variants).map((v) => v.calls));
    for (let i = 0; i < most; i++) {
      for (const [name, v] of Object.entries(variants)) {
        if (i >= v.calls) continue;
        await new Promise((r) => setTimeout(r, 1));
        times[name]!.push(await v.once(i));
      }
    }
    await cleanup();
    // The kernel destroys the round's namespaces in the background, holding the RTNL.
    await new Promise((r) => setTimeout(r, 500));
    if (round < 0) continue;
    for (const [name, xs] of Object.entries(times)) medians[name]!.push(sample(xs).median);
  }
  return Object.fromEntries(Object.entries(medians).map(([k, xs]) => [k, sample(xs)]));
}

const made: string[] = [];
async function cleanup(): Promise<void> {
  for (const name of made.splice(0)) await deleteNetns(name);
}

let seq = 0;
const fresh = (kind: string) => {
  const name = `${tag}${kind}${seq++}`;
  made.push(name);
  return name;
};

/** Milliseconds `fn` takes; `after` (untimed) gets its result, e.g. to close it. */
async function timed<T>(fn: () => T | Promise<T>, after?: (r: T) => void): Promise<number> {
  const t0 = performance.now();
  const r = await fn();
  const dt = performance.now() - t0;
  after?.(r);
  return dt;
}

const create = await perCall({
  sync: { calls: CALLS, once: () => timed(() => createNetnsFdSync(fresh('s')), closeSync) },
  async: { calls: CALLS, once: () => timed(() => createNetns(fresh('a'))) },
  ip: { calls: IP_CALLS, once: () => timed(() => run('ip', ['netns', 'add', fresh('i')])) },
});

const target = `${tag}sock`;
await createNetns(target);
const path = `/run/netns/${target}`;
const close = (s: { close(): void }) => s.close();
const socket = await perCall({
  sync: { calls: CALLS, once: () => timed(() => openNetlinkSocketSync(NETLINK.ROUTE, { netns: path }), close) },
  async: { calls: CALLS, once: () => timed(() => openNetlinkSocket(NETLINK.ROUTE, { netns: path }), close) },
});
await deleteNetns(target);

const inputs = { calls: CALLS, ipCalls: IP_CALLS, rounds: ROUNDS, warmupRounds: 1, runNetns: runNetnsInput };
report({
  name: `sys-netns-create${runNetnsSuffix}`,
  description: `create a named netns under /run/netns, per call (median of ${ROUNDS} rounds' medians, variants taking turns)`,
  inputs,
  ours: create.sync!,
  peers: { 'promise-variant': create.async!, 'ip-netns-add': create.ip! },
});
report({
  name: `sys-netlink-open${runNetnsSuffix}`,
  description: `open a NETLINK_ROUTE socket inside a named netns, per call (median of ${ROUNDS} rounds' medians)`,
  inputs,
  ours: socket.sync!,
  peers: { 'promise-variant': socket.async! },
});
