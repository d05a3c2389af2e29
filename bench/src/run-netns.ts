// Where the namespace benchmarks keep their named namespaces: by default a tmpfs on
// /run/netns inside a private mount namespace, as on a host where systemd mounts /run as
// tmpfs; with BENCH_RUN_NETNS=host, the machine's own /run/netns.
//
// Why not the machine's own: on this VM /run is ext4 without a journal, and such an ext4
// skips, when it allocates an inode, every inode freed in the last one to six minutes
// (recently_deleted: it reads each one's deletion time). A benchmark that creates and
// deletes thousands of named namespaces thus makes each later mount-point file cost
// 0.1-0.45 ms more, for `ip netns add` and Netns.create alike: a cost of the benchmark's
// own churn on this disk, which on a real host is a few microseconds. Ours and the peers
// run in the same mount namespace, on the same tmpfs.
//
// The private mount namespace also keeps the runs out of the machine's /run/netns: the
// namespaces are invisible to other tests, and none outlives the process, even on a crash.
import { spawnSync } from 'node:child_process';

const INSIDE = 'CTRKIT_BENCH_PRIVATE_RUN_NETNS';

/** True when the namespaces go to the machine's own /run/netns (BENCH_RUN_NETNS=host). */
const onHostRunNetns = process.env.BENCH_RUN_NETNS === 'host';

/** What results record as the place of /run/netns. */
export const runNetnsInput = onHostRunNetns
  ? "the machine's /run/netns (ext4 without a journal on this VM)"
  : 'tmpfs on /run/netns in a private mount namespace (as /run on a systemd host)';

/** Report names get this suffix for runs on the machine's own /run/netns, so both are kept. */
export const runNetnsSuffix = onHostRunNetns ? '-host-run-netns' : '';

/**
 * Runs the calling benchmark file again inside a private mount namespace with a tmpfs on
 * /run/netns, and exits with its status; returns at once when already inside, or with
 * BENCH_RUN_NETNS=host.
 */
export function useTmpfsRunNetns(benchFile: string): void {
  if (onHostRunNetns || process.env[INSIDE] === '1') return;
  // iproute2 and @ctrkit/sys both make /run/netns a shared mount; in the private mount
  // namespace that stays private to it.
  const script = 'mkdir -p /run/netns && mount -t tmpfs -o mode=0755,size=64m ctrkit-bench /run/netns && exec "$@"';
  const r = spawnSync(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      script,
      'sh',
      process.execPath,
      ...process.execArgv,
      benchFile,
    ],
    { stdio: 'inherit', env: { ...process.env, [INSIDE]: '1' } },
  );
  if (r.error) throw r.error;
  process.exit(r.status ?? 1);
}
