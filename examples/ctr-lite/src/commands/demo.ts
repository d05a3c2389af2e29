// `ctr-lite demo`: the whole path offline. Builds a busybox image from the host's
// busybox-static (once), runs it with a 64 MiB memory limit in a routed pod network,
// pings the host side from inside, prints the output, the container's cgroup stats and
// the wiring, and removes everything. A network namespace plays the host, so the
// machine's own network is never touched.
import { inspect } from 'node:util';
import { Cgroup } from '@ctrkit/cgroups';
import { Netns, Rtnetlink } from '@ctrkit/netns';
import { buildBusyboxImage, DEMO_IMAGE } from '../busybox.js';
import { runContainer } from '../container-run.js';
import type { Context } from '../context.js';
import { normalizeName } from '../image-resolve.js';
import { bytes } from '../output.js';

/**
 * The host's own address, on its uplink. A real host has an uplink with a default route;
 * the host namespace gets one too (a veth pair inside it), because the Calico wiring
 * needs a route covering 169.254.1.1 before proxy_arp answers for it (calico#3270).
 */
const HOST_ADDRESS = '10.88.255.1';
const UPLINK_GATEWAY = '10.88.255.2';
const MARK = '--- ctr-lite demo: stats ---';

export async function demo(ctx: Context): Promise<number> {
  const say = (s: string) => console.log(`\x1b[1m${s}\x1b[0m`);
  if (!(await ctx.images.get(normalizeName(DEMO_IMAGE)).catch(() => null))) {
    say(`building ${DEMO_IMAGE} from the host's /bin/busybox`);
    const d = await buildBusyboxImage(ctx);
    console.log(`  ${normalizeName(DEMO_IMAGE)} ${d.digest}`);
  }
  const tag = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  const hostNs = await Netns.create(`ctrkit-demohost-${tag}`);
  const host = await Rtnetlink.open({ netns: hostNs });
  try {
    await host.links.set('lo', { up: true });
    await host.links.add({ name: 'uplink0', kind: 'veth', peer: { name: 'uplink1' } });
    await host.links.set('uplink0', { up: true });
    await host.links.set('uplink1', { up: true });
    await host.addresses.add({ dev: 'uplink0', address: `${HOST_ADDRESS}/24` });
    await host.routes.add({ dst: 'default', gateway: UPLINK_GATEWAY, dev: 'uplink0' });
    say(`running ${DEMO_IMAGE} (memory 64 MiB, pids 64, routed pod network; host played by netns ${hostNs.name})`);
    let statsShown: Promise<void> = Promise.resolve();
    const script = [
      'echo "hello from $(hostname), pid $$"',
      'echo "--- inside: addresses and routes"; ip -4 addr show eth0; ip route',
      `echo "--- inside: ping the host side (${HOST_ADDRESS})"; ping -c 2 -W 2 ${HOST_ADDRESS}`,
      'status=$?',
      `echo "${MARK}"`,
      'sleep 1',
      'exit $status',
    ].join('; ');
    const running = await runContainer(ctx, {
      id: `demo-${tag}`,
      image: DEMO_IMAGE,
      cmd: ['sh', '-c', script],
      rm: true,
      memory: 64 * 2 ** 20,
      pids: 64,
      net: 'pod',
      hostNetns: hostNs.path,
      onOutput: (chunk) => {
        if (chunk.includes(MARK)) statsShown = showStats(running.record.cgroupsPath, host, running.record);
      },
    });
    const exit = await running.done;
    await statsShown;
    say(
      `container exited with ${exit.exitCode}${exit.signal ? ` (${exit.signal})` : ''}; its snapshot, mounts, cgroups, veth and netns are removed`,
    );
    return exit.exitCode;
  } finally {
    host.close();
    await hostNs.delete();
  }
}

async function showStats(
  cgroupsPath: string,
  host: Rtnetlink,
  rec: { podIp?: string; hostIfName?: string },
): Promise<void> {
  const s = await (await Cgroup.load(cgroupsPath)).stats();
  console.log(`cgroup ${cgroupsPath}:`);
  if (s.memory)
    console.log(
      `  memory: ${bytes(s.memory.usage)} used of ${bytes(s.memory.limit)} (peak ${bytes(s.memory.maxUsage)})`,
    );
  if (s.cpu)
    console.log(
      `  cpu: ${(s.cpu.usageNs / 1e6).toFixed(1)} ms (user ${(s.cpu.userNs / 1e6).toFixed(1)}, system ${(s.cpu.systemNs / 1e6).toFixed(1)})`,
    );
  if (s.pids) console.log(`  pids: ${s.pids.current} of ${s.pids.limit}`);
  console.log(
    `wiring: pod ${rec.podIp} on eth0 <-> host veth ${rec.hostIfName} (no address, proxy_arp answers for 169.254.1.1)`,
  );
  const link = await host.links.get(rec.hostIfName ?? '');
  console.log(`  host: ${inspect(link)}`);
  for (const r of await host.routes.list()) if (r.oif === link.index) console.log(`  host: ${inspect(r)}`);
}
