// set(): validate everything, then write controller by controller, each to the version
// that serves it (runc's subsystem order: cpuset, devices, memory, cpu, pids, blkio,
// hugetlb; `unified` last so raw values win).
import type { LinuxResources, SetResult, SharesPolicy } from '../types.js';
import { blkioV1, cpusetV1, cpuV1, devicesV1, hugetlbAny, memoryV1, pidsAny } from './apply-v1.js';
import { cpusetV2, cpuV2, ioV2, memoryV2, unifiedV2 } from './apply-v2.js';
import { Journal } from './journal.js';
import { type Placement, serve } from './placement.js';
import { validateResources } from './validate.js';

export function applyResources(p: Placement, r: LinuxResources, policy: SharesPolicy): SetResult {
  validateResources(r, p);
  const j = new Journal();
  return j.run(() => {
    const { cpu, memory, pids, blockIO, hugepageLimits, devices, unified } = r;
    if (cpu && (cpu.cpus || cpu.mems)) {
      const s = serve(p, 'cpuset')!;
      if (s.version === 1) cpusetV1(j, s.dir, cpu);
      else cpusetV2(j, s.dir, cpu);
    }
    if (devices && devices.length > 0) devicesV1(j, p.v1.get('devices')!, devices);
    if (memory) {
      const s = serve(p, 'memory')!;
      if (s.version === 1) memoryV1(j, s.dir, memory);
      else memoryV2(j, s.dir, memory);
    }
    if (cpu) {
      const s = serve(p, 'cpu');
      if (s?.version === 1) cpuV1(j, s.dir, cpu);
      else if (s) cpuV2(j, s.dir, cpu, policy);
    }
    if (pids) pidsAny(j, serve(p, 'pids')!.dir, pids.limit);
    if (blockIO) {
      const s1 = serve(p, 'blkio');
      if (s1?.version === 1) blkioV1(j, s1.dir, blockIO);
      else {
        const s2 = serve(p, 'io');
        if (s2) ioV2(j, s2.dir, blockIO);
      }
    }
    if (hugepageLimits && hugepageLimits.length > 0) {
      const s = serve(p, 'hugetlb')!;
      hugetlbAny(j, s.dir, hugepageLimits, s.version);
    }
    if (unified && p.v2) unifiedV2(j, p.v2, unified);
  });
}

export type { SharesPolicy };
