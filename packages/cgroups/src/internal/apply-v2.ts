// cgroup v2 writes, translated from runtime-spec values with the documented formulas
// (opencontainers/cgroups fs2/*.go is the anchor for order and fallbacks).

import { blkioWeightToIoWeight, cpuMax, memorySwapToV2, numToV2, parseCpuMax, sharesToWeight } from '../convert.js';
import { CgroupError } from '../errors.js';
import { parseLimit } from '../parse.js';
import type { LinuxBlockIO, LinuxCPU, LinuxMemory, SharesPolicy } from '../types.js';
import type { Journal } from './journal.js';

export function cpuV2(j: Journal, dir: string, cpu: LinuxCPU, policy: SharesPolicy): void {
  if (cpu.idle !== undefined) j.write(dir, 'cpu.idle', String(cpu.idle));
  // cpu.weight is meaningless while cpu.idle is 1; runc skips it then too.
  if (cpu.shares && cpu.idle !== 1) j.write(dir, 'cpu.weight', String(sharesToWeight(cpu.shares, policy)));
  let burst: string | undefined;
  if (cpu.burst !== undefined) {
    burst = String(cpu.burst);
    // A burst above the current quota is refused; write it again after cpu.max.
    const e = j.tryWrite(dir, 'cpu.max.burst', burst, ['EINVAL', 'ENOENT']);
    if (e === 'ENOENT') {
      j.warn('cpu.burst ignored: this kernel has no cpu.max.burst');
      burst = undefined;
    } else if (e === undefined) burst = undefined;
  }
  let max = cpuMax(cpu.quota, cpu.period);
  if (max !== undefined && !cpu.period) {
    // Keep the current period when only the quota changes.
    max = `${max} ${parseCpuMax(j.read(dir, 'cpu.max')).period}`;
  }
  if (max !== undefined) j.write(dir, 'cpu.max', max);
  if (burst !== undefined) j.write(dir, 'cpu.max.burst', burst);
}

export function cpusetV2(j: Journal, dir: string, cpu: LinuxCPU): void {
  if (cpu.cpus) j.write(dir, 'cpuset.cpus', cpu.cpus);
  if (cpu.mems) j.write(dir, 'cpuset.mems', cpu.mems);
}

export function memoryV2(j: Journal, dir: string, m: LinuxMemory): void {
  const max = numToV2(m.limit);
  if (m.checkBeforeUpdate && max !== undefined && max !== 'max') {
    // v1 refuses a limit below usage (EBUSY); v2 would reclaim and then OOM-kill.
    const current = parseLimit(j.read(dir, 'memory.current'));
    if (current > Number(max)) {
      throw new CgroupError(
        'ERR_CGROUP_BELOW_USAGE',
        'failed-precondition',
        `memory.limit ${max} is below the cgroup's current usage (${current} bytes) at ${dir}, and checkBeforeUpdate is set`,
        { path: dir },
      );
    }
  }
  const swap = memorySwapToV2(m.swap, m.limit);
  // Never write "" to memory.swap.max: the kernel reads it as 0 (runc PR #2405).
  // swap == limit means "no swap": memorySwapToV2 gives 0, written as "0".
  let swapStr: string | undefined;
  if (swap !== undefined && (swap !== 0 || (m.swap !== undefined && m.swap > 0)))
    swapStr = swap === -1 ? 'max' : String(swap);
  if (swapStr !== undefined) {
    const e = j.tryWrite(dir, 'memory.swap.max', swapStr, ['ENOENT']);
    if (e === 'ENOENT') {
      if (swapStr !== 'max' && swapStr !== '0') {
        throw new CgroupError(
          'ERR_CGROUP_NOT_FOUND',
          'not-found',
          `memory.swap ${m.swap} needs swap accounting, but ${dir} has no memory.swap.max (boot with swapaccount=1 or drop the swap limit)`,
          { path: dir },
        );
      }
      j.warn('memory.swap ignored: swap accounting is off (no memory.swap.max)');
    }
  }
  if (max !== undefined) j.write(dir, 'memory.max', max);
  const low = numToV2(m.reservation);
  if (low !== undefined) j.write(dir, 'memory.low', low);
  if (m.swappiness !== undefined) j.warn('memory.swappiness ignored: cgroup v2 has no per-cgroup swappiness');
  if (m.disableOOMKiller) j.warn('memory.disableOOMKiller ignored: cgroup v2 cannot disable the OOM killer per cgroup');
  if (m.kernel || m.kernelTCP)
    j.warn('memory.kernel/kernelTCP ignored: cgroup v2 accounts kernel memory in memory.max');
  if (m.useHierarchy === false) j.warn('memory.useHierarchy=false ignored: cgroup v2 is always hierarchical');
}

export function ioV2(j: Journal, dir: string, b: LinuxBlockIO): void {
  // BFQ takes the blkio weight unchanged (1..1000); io.weight takes the converted 1..10000.
  const bfq = j.has(dir, 'io.bfq.weight');
  if (b.weight) {
    if (bfq) j.write(dir, 'io.bfq.weight', String(b.weight));
    else j.write(dir, 'io.weight', `default ${blkioWeightToIoWeight(b.weight)}`);
  }
  if (b.leafWeight) j.warn('blockIO.leafWeight ignored: cgroup v2 has no leaf weight');
  for (const d of b.weightDevice ?? []) {
    if (!d.weight) continue;
    if (bfq) j.write(dir, 'io.bfq.weight', `${d.major}:${d.minor} ${d.weight}`);
    else j.write(dir, 'io.weight', `${d.major}:${d.minor} ${blkioWeightToIoWeight(d.weight)}`);
  }
  const keys: [keyof LinuxBlockIO, string][] = [
    ['throttleReadBpsDevice', 'rbps'],
    ['throttleWriteBpsDevice', 'wbps'],
    ['throttleReadIOPSDevice', 'riops'],
    ['throttleWriteIOPSDevice', 'wiops'],
  ];
  for (const [key, name] of keys) {
    for (const d of (b[key] as LinuxBlockIO['throttleReadBpsDevice']) ?? []) {
      // 0 would mean "no I/O at all" to io.max; the runtime-spec means "unlimited".
      j.write(dir, 'io.max', `${d.major}:${d.minor} ${name}=${d.rate === 0 ? 'max' : d.rate}`);
    }
  }
}

export function unifiedV2(j: Journal, dir: string, unified: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(unified)) j.write(dir, key, value);
}
