// pod-network: builds two "hosts" as namespaces joined by a veth wire, wires pods on
// each, routes between the hosts, runs a ping matrix, prints what it built, tears down.
import { Command } from 'commander';
import { pingMatrix } from './ping.js';
import { diagram, matrix } from './render.js';
import { buildTopology } from './topology.js';

const program = new Command('pod-network')
  .description("the seeds' pod networking experiments, in network namespaces (root)")
  .option('-n, --pods <n>', 'pods per host', '3')
  .option('--bridge', 'flannel host-gw: a bridge per host instead of routed (Calico) pods', false)
  .option('--ipip', "route between hosts through an ipip tunl0 mesh (Calico's IPIP mode) instead of directly", false)
  .option('--json', 'print the topology and results as JSON', false)
  .action(async (o: { pods: string; bridge: boolean; ipip: boolean; json: boolean }) => {
    if (process.getuid?.() !== 0)
      throw Object.assign(new Error('needs root (network namespaces)'), { code: 'ERR_NOT_ROOT' });
    const tag = process.pid.toString(36);
    const t = await buildTopology({
      mode: o.bridge ? 'bridge' : 'routed',
      interhost: o.ipip ? 'ipip' : 'direct',
      podsPerHost: Math.max(1, Math.min(50, Number(o.pods) || 3)),
      net: 100 + (process.pid % 100),
      tag,
    });
    const stop = () => void t.teardown().finally(() => process.exit(130));
    process.once('SIGINT', stop);
    try {
      const results = await pingMatrix(t);
      if (o.json) {
        const hosts = t.hosts.map((h) => ({
          name: h.name,
          netns: h.ns.name,
          wireIp: h.wireIp,
          podCidr: h.podCidr,
          pods: h.pods.map((p) => ({ name: p.name, ip: p.ip, hostIfName: p.hostIfName })),
          mesh: h.mesh,
        }));
        console.log(JSON.stringify({ mode: t.mode, interhost: t.interhost, hosts, results }, null, 2));
      } else {
        console.log(
          `${t.mode === 'routed' ? 'routed (Calico)' : 'bridge (flannel host-gw)'} pods, ${t.interhost === 'ipip' ? 'ipip mesh' : 'direct routes'} between hosts\n`,
        );
        console.log(diagram(t));
        console.log(`\n${matrix(results)}`);
      }
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    } finally {
      process.off('SIGINT', stop);
      await t.teardown();
    }
  });

program.parseAsync(process.argv).catch((err: { code?: string; message?: string }) => {
  console.error(`pod-network: ${err.code ? `${err.code}: ` : ''}${err.message ?? String(err)}`);
  process.exitCode = 1;
});
