// cgroup v1 writes, one function per controller, in runc's order and with its retries
// (opencontainers/cgroups fs/*.go): period → quota → period on EINVAL, memory vs memsw
// ordered by the current limit, rt period/runtime likewise.

import { pidsMax } from '../convert.js';
import { CgroupError } from '../errors.js';
import type { LinuxBlockIO, LinuxCPU, LinuxDeviceCgroup, LinuxHugepageLimit, LinuxMemory } from '../types.js';
import type { Journal } from './journal.js';

export function cpusetV1(j: Journal, dir: string, cpu: LinuxCPU): void {
  if (cpu.cpus) j.write(dir, 'cpuset.cpus', cpu.cpus);
  if (cpu.mems) j.write(dir, 'cpuset.mems', cpu.mems);
}

export function cpuV1(j: Journal, dir: string, cpu: LinuxCPU): void {
  if (cpu.shares) {
    j.write(dir, 'cpu.shares', String(cpu.shares));
    const got = Number(j.read(dir, 'cpu.shares'));
    if (got !== cpu.shares) j.warn(`cpu.shares ${cpu.shares} was clamped by the kernel to ${got} (range 2..262144)`);
  }
  // A new period may be refused while the old quota/new period ratio exceeds the
  // parent's; when a quota comes too, retry the period after it (runc#3084).
  let period: string | undefined;
  if (cpu.period) {
    period = String(cpu.period);
    if (j.tryWrite(dir, 'cpu.cfs_period_us', period, cpu.quota ? ['EINVAL'] : []) === undefined) period = undefined;
  }
  let burst: string | undefined;
  if (cpu.burst !== undefined) {
    burst = String(cpu.burst);
    const e = j.tryWrite(dir, 'cpu.cfs_burst_us', burst, cpu.quota ? ['EINVAL', 'ENOENT'] : ['ENOENT']);
    if (e === 'ENOENT') {
      j.warn('cpu.burst ignored: this kernel has no cpu.cfs_burst_us');
      burst = undefined;
    } else if (e === undefined) burst = undefined;
  }
  if (cpu.quota) {
    j.write(dir, 'cpu.cfs_quota_us', String(cpu.quota < 0 ? -1 : cpu.quota));
    if (period) j.write(dir, 'cpu.cfs_period_us', period);
    if (burst) j.write(dir, 'cpu.cfs_burst_us', burst);
  }
  let rtPeriod: string | undefined;
  if (cpu.realtimePeriod) {
    rtPeriod = String(cpu.realtimePeriod);
    const tolerate = cpu.realtimeRuntime ? ['EINVAL'] : [];
    if (j.tryWrite(dir, 'cpu.rt_period_us', rtPeriod, tolerate) === undefined) rtPeriod = undefined;
  }
  if (cpu.realtimeRuntime) {
    j.write(dir, 'cpu.rt_runtime_us', String(cpu.realtimeRuntime));
    if (rtPeriod) j.write(dir, 'cpu.rt_period_us', rtPeriod);
  }
  if (cpu.idle !== undefined) j.write(dir, 'cpu.idle', String(cpu.idle));
}

export function memoryV1(j: Journal, dir: string, m: LinuxMemory): void {
  const limit = m.limit ?? 0;
  // Unlimited memory with swap unset means unlimited memory+swap too (runc).
  const swap = limit === -1 && !m.swap ? -1 : (m.swap ?? 0);
  const writeLimit = () => {
    try {
      j.write(dir, 'memory.limit_in_bytes', String(limit));
    } catch (err) {
      if (err instanceof CgroupError && err.errno === 'EBUSY') {
        const usage = safeRead(j, dir, 'memory.usage_in_bytes');
        throw new CgroupError(
          'ERR_CGROUP_BELOW_USAGE',
          'failed-precondition',
          `memory.limit ${limit} is below the cgroup's current usage (${usage} bytes) at ${dir}; free memory or choose a higher limit`,
          { cause: err, path: err.path ?? dir, errno: 'EBUSY' },
        );
      }
      throw err;
    }
  };
  if (limit !== 0 && swap !== 0) {
    // The kernel keeps limit <= memsw at every step: raise memsw first when the new
    // memsw is above the current limit (or unlimited), else lower the limit first.
    const current = Number(j.read(dir, 'memory.limit_in_bytes'));
    if (swap === -1 || current < swap) {
      j.write(dir, 'memory.memsw.limit_in_bytes', String(swap));
      writeLimit();
    } else {
      writeLimit();
      j.write(dir, 'memory.memsw.limit_in_bytes', String(swap));
    }
  } else {
    if (limit !== 0) writeLimit();
    if (swap !== 0) j.write(dir, 'memory.memsw.limit_in_bytes', String(swap));
  }
  if (m.reservation) j.write(dir, 'memory.soft_limit_in_bytes', String(m.reservation));
  if (m.kernel)
    j.warn('memory.kernel ignored: kernel memory limits are deprecated and not enforced by current kernels');
  if (m.kernelTCP) j.write(dir, 'memory.kmem.tcp.limit_in_bytes', String(m.kernelTCP));
  if (m.swappiness !== undefined) j.write(dir, 'memory.swappiness', String(m.swappiness));
  if (m.disableOOMKiller !== undefined) j.write(dir, 'memory.oom_control', m.disableOOMKiller ? '1' : '0');
  if (m.useHierarchy !== undefined) {
    // Since 6.x v1 memory is always hierarchical; writing 0 is refused, 1 is a no-op.
    if (m.useHierarchy) j.tryWrite(dir, 'memory.use_hierarchy', '1', ['EINVAL']);
    else j.warn('memory.useHierarchy=false ignored: the kernel always accounts hierarchically');
  }
}

function safeRead(j: Journal, dir: string, name: string): string {
  try {
    return j.read(dir, name);
  } catch {
    return 'unknown';
  }
}

export function pidsAny(j: Journal, dir: string, limit: number): void {
  j.write(dir, 'pids.max', pidsMax(limit));
}

function devSpec(d: LinuxDeviceCgroup): string {
  const type = d.type ?? 'a';
  const num = (n: number | undefined) => (n === undefined || n < 0 ? '*' : String(n));
  return `${type} ${num(d.major)}:${num(d.minor)} ${d.access ?? 'rwm'}`;
}

/** Device rules in order, as the runtime-spec lists them (the last matching rule wins). */
export function devicesV1(j: Journal, dir: string, devices: readonly LinuxDeviceCgroup[]): void {
  for (const d of devices) j.write(dir, d.allow ? 'devices.allow' : 'devices.deny', devSpec(d));
}

export function blkioV1(j: Journal, dir: string, b: LinuxBlockIO): void {
  // CFQ files (blkio.weight) are gone since 5.0; BFQ's blkio.bfq.weight takes the same range.
  const weightFile = j.has(dir, 'blkio.weight') ? 'blkio.weight' : 'blkio.bfq.weight';
  if (b.weight) j.write(dir, weightFile, String(b.weight));
  if (b.leafWeight) {
    if (j.has(dir, 'blkio.leaf_weight')) j.write(dir, 'blkio.leaf_weight', String(b.leafWeight));
    else j.warn('blockIO.leafWeight ignored: no blkio.leaf_weight (CFQ is not in this kernel)');
  }
  for (const d of b.weightDevice ?? []) {
    if (d.weight) j.write(dir, `${weightFile}_device`, `${d.major}:${d.minor} ${d.weight}`);
    if (d.leafWeight) {
      if (j.has(dir, 'blkio.leaf_weight_device')) {
        j.write(dir, 'blkio.leaf_weight_device', `${d.major}:${d.minor} ${d.leafWeight}`);
      } else j.warn('blockIO.weightDevice[].leafWeight ignored: no blkio.leaf_weight_device');
    }
  }
  const throttle: [keyof LinuxBlockIO, string][] = [
    ['throttleReadBpsDevice', 'blkio.throttle.read_bps_device'],
    ['throttleWriteBpsDevice', 'blkio.throttle.write_bps_device'],
    ['throttleReadIOPSDevice', 'blkio.throttle.read_iops_device'],
    ['throttleWriteIOPSDevice', 'blkio.throttle.write_iops_device'],
  ];
  for (const [key, file] of throttle) {
    for (const d of (b[key] as LinuxBlockIO['throttleReadBpsDevice']) ?? []) {
      j.write(dir, file, `${d.major}:${d.minor} ${d.rate}`);
    }
  }
}

/** hugetlb limits; the `.rsvd.` file (reservations) is written too where the kernel has it. */
export function hugetlbAny(j: Journal, dir: string, limits: readonly LinuxHugepageLimit[], version: 1 | 2): void {
  const suffix = version === 1 ? 'limit_in_bytes' : 'max';
  for (const h of limits) {
    const file = `hugetlb.${h.pageSize}.${suffix}`;
    if (!j.has(dir, file)) {
      throw new CgroupError(
        'ERR_CGROUP_NOT_FOUND',
        'not-found',
        `hugepage size ${h.pageSize} is not offered at ${dir} (no ${file}); see /sys/kernel/mm/hugepages for the sizes this kernel supports`,
      );
    }
    j.write(dir, file, String(h.limit));
    const rsvd = `hugetlb.${h.pageSize}.rsvd.${suffix}`;
    if (j.has(dir, rsvd)) j.write(dir, rsvd, String(h.limit));
  }
}
