// pod-network end to end: the built CLI wires two hosts with pods, every ping in the
// matrix is answered, and nothing is left behind.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { requires } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const gate = requires('root', 'link:veth', 'link:bridge', 'binary:nsenter', 'binary:ping');
const ipip = requires('root', 'link:ipip', 'binary:nsenter', 'binary:ping');

interface Output {
  readonly hosts: readonly { netns: string; pods: readonly { ip: string }[] }[];
  readonly results: readonly { from: string; to: string; ok: boolean }[];
}

async function podNetwork(args: string[]): Promise<Output> {
  const { stdout } = await run(process.execPath, [CLI, '--json', ...args], { timeout: 120_000 });
  return JSON.parse(stdout) as Output;
}

function leftovers(out: Output): string[] {
  const names = readdirSync('/run/netns');
  const tags = out.hosts.map((h) => h.netns.replace(/-[ab]$/, ''));
  return names.filter((n) => tags.some((t) => n.startsWith(t)));
}

describe.runIf(gate.ok)('pod-network', () => {
  it('routed (Calico) pods on two hosts with direct routes: the full ping matrix answers', async () => {
    const out = await podNetwork(['-n', '3']);
    expect(out.hosts.map((h) => h.pods.length)).toEqual([3, 3]);
    // 6 pods, each pinging 2 hosts and 5 other pods.
    expect(out.results).toHaveLength(6 * 7);
    expect(out.results.filter((r) => !r.ok)).toEqual([]);
    expect(leftovers(out)).toEqual([]);
  });

  it('bridge (flannel host-gw) pods: the full ping matrix answers', async () => {
    const out = await podNetwork(['--bridge', '-n', '2']);
    expect(out.results.filter((r) => !r.ok)).toEqual([]);
    expect(leftovers(out)).toEqual([]);
  });
});

describe.runIf(ipip.ok)('pod-network --ipip', () => {
  it('routes between hosts through a tunl0 mesh and the matrix answers', async () => {
    const out = await podNetwork(['--ipip', '-n', '2']);
    expect(out.results.filter((r) => !r.ok)).toEqual([]);
    expect(leftovers(out)).toEqual([]);
  });
});
