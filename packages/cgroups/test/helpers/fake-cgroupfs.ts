// A fake cgroup filesystem in a temp dir: the hierarchy mounts as directories and each
// cgroup as a directory of regular files holding the values a 6.18 kernel shows for a
// fresh cgroup (captured on the hybrid test host, shared/reference/cgroups.md §3).
// Only for unit tests of our own logic; the real kernel is exercised by *.system.test.ts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const UNLIMITED = '9223372036854771712';

export const V1_FILES: Record<string, Record<string, string>> = {
  cpu: {
    'cpu.shares': '1024',
    'cpu.cfs_period_us': '100000',
    'cpu.cfs_quota_us': '-1',
    'cpu.cfs_burst_us': '0',
    'cpu.rt_period_us': '1000000',
    'cpu.rt_runtime_us': '0',
    'cpu.idle': '0',
    'cpu.stat': 'nr_periods 10\nnr_throttled 4\nthrottled_time 5000000\nnr_bursts 0\nburst_time 0\n',
  },
  cpuacct: {
    'cpuacct.usage': '123456789',
    'cpuacct.usage_user': '100000000',
    'cpuacct.usage_sys': '23456789',
    'cpuacct.stat': 'user 10\nsystem 2\n',
  },
  cpuset: { 'cpuset.cpus': '', 'cpuset.mems': '' },
  memory: {
    'memory.limit_in_bytes': UNLIMITED,
    'memory.memsw.limit_in_bytes': UNLIMITED,
    'memory.usage_in_bytes': '4096000',
    'memory.memsw.usage_in_bytes': '5120000',
    'memory.max_usage_in_bytes': '8192000',
    'memory.soft_limit_in_bytes': UNLIMITED,
    'memory.swappiness': '60',
    'memory.kmem.tcp.limit_in_bytes': UNLIMITED,
    'memory.use_hierarchy': '1',
    'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    'memory.stat':
      'cache 1000\nrss 2000\nrss_huge 0\nswap 0\nhierarchical_memory_limit 9223372036854771712\ntotal_cache 1000\n',
  },
  pids: { 'pids.max': 'max', 'pids.current': '3' },
  blkio: {
    'blkio.bfq.weight': '100',
    'blkio.bfq.weight_device': '',
    'blkio.throttle.read_bps_device': '',
    'blkio.throttle.write_bps_device': '',
    'blkio.throttle.read_iops_device': '',
    'blkio.throttle.write_iops_device': '',
    'blkio.throttle.io_service_bytes_recursive':
      '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n',
    'blkio.throttle.io_serviced_recursive': '8:0 Read 1\n8:0 Write 2\n8:0 Total 3\nTotal 3\n',
  },
  devices: { 'devices.allow': '', 'devices.deny': '', 'devices.list': 'a *:* rwm\n' },
  freezer: { 'freezer.state': 'THAWED' },
};

export const V2_FILES: Record<string, Record<string, string>> = {
  core: {
    'cgroup.controllers': '',
    'cgroup.subtree_control': '',
    'cgroup.events': 'populated 0\nfrozen 0\n',
    'cgroup.freeze': '0',
    'cgroup.kill': '',
    'cgroup.threads': '',
    'cpu.stat': 'usage_usec 2000\nuser_usec 1500\nsystem_usec 500\n',
    'cpu.pressure':
      'some avg10=1.50 avg60=0.20 avg300=0.00 total=12345\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
    'memory.pressure':
      'some avg10=0.00 avg60=0.00 avg300=0.00 total=7\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=3\n',
    'io.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
  },
  cpu: {
    'cpu.weight': '100',
    'cpu.max': 'max 100000',
    'cpu.max.burst': '0',
    'cpu.idle': '0',
    'cpu.stat':
      'usage_usec 2000\nuser_usec 1500\nsystem_usec 500\nnr_periods 7\nnr_throttled 3\nthrottled_usec 900\nnr_bursts 0\nburst_usec 0\n',
  },
  cpuset: { 'cpuset.cpus': '', 'cpuset.mems': '' },
  memory: {
    'memory.max': 'max',
    'memory.swap.max': 'max',
    'memory.low': '0',
    'memory.high': 'max',
    'memory.current': '4096000',
    'memory.peak': '8192000',
    'memory.swap.current': '1024',
    'memory.stat': 'anon 2000\nfile 1000\nkernel 300\nshmem 0\n',
    'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n',
  },
  pids: { 'pids.max': 'max', 'pids.current': '3' },
  io: {
    'io.weight': 'default 100',
    'io.max': '',
    'io.stat': '8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n',
  },
  hugetlb: {
    'hugetlb.2MB.max': 'max',
    'hugetlb.2MB.current': '0',
    'hugetlb.2MB.events': 'max 0\n',
    'hugetlb.2MB.rsvd.max': 'max',
  },
};

export type FakeMode = 'legacy' | 'hybrid' | 'unified';

export const V1_ALL = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'blkio', 'devices', 'freezer'];

/** Lays out the hierarchy mounts under `root` (v1 as one directory per controller). */
export function fakeRoot(root: string, mode: FakeMode, v2Controllers: readonly string[] = []): void {
  if (mode === 'unified') {
    writeGroup(root, ['core', ...v2Controllers], 2, v2Controllers);
    return;
  }
  for (const c of V1_ALL) {
    writeGroup(join(root, c), [c], 1);
  }
  if (mode === 'hybrid') writeGroup(join(root, 'unified'), ['core', ...v2Controllers], 2, v2Controllers);
}

/** Creates cgroup `path` with fresh files in every hierarchy of the fake `root`. */
export function fakeGroup(root: string, mode: FakeMode, path: string, v2Controllers: readonly string[] = []): void {
  const rel = path.slice(1);
  if (mode === 'unified') {
    writeGroup(join(root, rel), ['core', ...v2Controllers], 2, v2Controllers);
    return;
  }
  for (const c of V1_ALL) writeGroup(join(root, c, rel), [c], 1);
  if (mode === 'hybrid') writeGroup(join(root, 'unified', rel), ['core', ...v2Controllers], 2, v2Controllers);
}

function writeGroup(dir: string, sets: readonly string[], version: 1 | 2, v2Controllers: readonly string[] = []): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cgroup.procs'), '');
  if (version === 1) writeFileSync(join(dir, 'tasks'), '');
  for (const set of sets) {
    const files = (version === 1 ? V1_FILES : V2_FILES)[set] ?? {};
    for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), value);
  }
  if (version === 2) writeFileSync(join(dir, 'cgroup.controllers'), v2Controllers.join(' '));
}

/** Reads a file of the fake tree, trimmed. */
export function fakeRead(root: string, ...parts: string[]): string {
  return readFileSync(join(root, ...parts), 'utf8').trim();
}
