// stats(): one typed shape for both versions. Each section is read from the version
// that serves its controller; which fields each version fills is in the README.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseBlkio, parseFlatKeyed, parseIoStat, parseLimit } from '../parse.js';
import type { CgroupStats, CpuStats, HugetlbStats, IoDeviceStats, MemoryStats, PidsStats } from '../types.js';
import { readOptional, readText } from './fsio.js';
import { type Placement, serve } from './placement.js';

const read = (dir: string, name: string) => readText(join(dir, name));
const opt = (dir: string, name: string) => readOptional(join(dir, name));
const num = (dir: string, name: string) => parseLimit(read(dir, name));
const optNum = (dir: string, name: string, fallback = 0) => {
  const t = opt(dir, name);
  return t === undefined ? fallback : parseLimit(t);
};

/** The sections of CgroupStats; `stats({ only })` reads just these files. */
export type StatsSection = keyof CgroupStats;

export function readStats(p: Placement, only?: readonly StatsSection[]): CgroupStats {
  const want = (s: StatsSection) => only === undefined || only.includes(s);
  const out: { -readonly [K in keyof CgroupStats]: CgroupStats[K] } = {};
  const cpu = want('cpu') ? cpuStats(p) : undefined;
  if (cpu) out.cpu = cpu;
  const mem = want('memory') ? serve(p, 'memory') : undefined;
  if (mem) out.memory = mem.version === 1 ? memoryV1(mem.dir) : memoryV2(mem.dir);
  const pids = want('pids') ? serve(p, 'pids') : undefined;
  if (pids) out.pids = pidsStats(pids.dir);
  const io = want('io') ? (serve(p, 'blkio') ?? serve(p, 'io')) : undefined;
  if (io) out.io = io.version === 1 ? ioV1(io.dir) : parseIoStat(opt(io.dir, 'io.stat') ?? '');
  const huge = want('hugetlb') ? serve(p, 'hugetlb') : undefined;
  if (huge) out.hugetlb = hugetlbStats(huge.dir, huge.version);
  return out;
}

// Usage from v1 cpuacct, else from v2 cpu.stat (which has usage even without the cpu
// controller, e.g. on a hybrid host's cgroup2 directory); throttling from whichever
// version serves the cpu controller.
function cpuStats(p: Placement): CpuStats | undefined {
  const acct = p.v1.get('cpuacct');
  const cpu = serve(p, 'cpu');
  const v2 = p.v2 ? parseFlatKeyed(opt(p.v2, 'cpu.stat') ?? '') : undefined;
  let usage: { usageNs: number; userNs: number; systemNs: number } | undefined;
  if (acct) {
    let userNs = optNum(acct, 'cpuacct.usage_user', Number.NaN);
    let systemNs = optNum(acct, 'cpuacct.usage_sys', Number.NaN);
    if (Number.isNaN(userNs) || Number.isNaN(systemNs)) {
      // Older kernels: cpuacct.stat in USER_HZ ticks (100 per second on Linux).
      const ticks = parseFlatKeyed(read(acct, 'cpuacct.stat'));
      userNs = (ticks.user ?? 0) * 10_000_000;
      systemNs = (ticks.system ?? 0) * 10_000_000;
    }
    usage = { usageNs: num(acct, 'cpuacct.usage'), userNs, systemNs };
  } else if (v2?.usage_usec !== undefined) {
    usage = {
      usageNs: v2.usage_usec * 1000,
      userNs: (v2.user_usec ?? 0) * 1000,
      systemNs: (v2.system_usec ?? 0) * 1000,
    };
  }
  let throttle = { periods: 0, throttledPeriods: 0, throttledNs: 0 };
  if (cpu?.version === 1) {
    const s = parseFlatKeyed(opt(cpu.dir, 'cpu.stat') ?? '');
    throttle = {
      periods: s.nr_periods ?? 0,
      throttledPeriods: s.nr_throttled ?? 0,
      throttledNs: s.throttled_time ?? 0,
    };
  } else if (cpu?.version === 2 && v2) {
    throttle = {
      periods: v2.nr_periods ?? 0,
      throttledPeriods: v2.nr_throttled ?? 0,
      throttledNs: (v2.throttled_usec ?? 0) * 1000,
    };
  }
  if (!usage && !cpu) return undefined;
  return { ...(usage ?? { usageNs: 0, userNs: 0, systemNs: 0 }), ...throttle };
}

function memoryV1(dir: string): MemoryStats {
  const stat = parseFlatKeyed(read(dir, 'memory.stat'));
  const usage = num(dir, 'memory.usage_in_bytes');
  const limit = num(dir, 'memory.limit_in_bytes');
  const memswUsage = optNum(dir, 'memory.memsw.usage_in_bytes', Number.NaN);
  const memswLimit = optNum(dir, 'memory.memsw.limit_in_bytes', Number.NaN);
  const oom = parseFlatKeyed(opt(dir, 'memory.oom_control') ?? '');
  return {
    usage,
    limit,
    maxUsage: num(dir, 'memory.max_usage_in_bytes'),
    cache: stat.cache ?? 0,
    rss: stat.rss ?? 0,
    swap: Number.isNaN(memswUsage) ? 0 : Math.max(0, memswUsage - usage),
    swapLimit:
      Number.isNaN(memswLimit) || memswLimit === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : memswLimit - limit,
    oomKills: oom.oom_kill ?? 0,
    stat,
  };
}

function memoryV2(dir: string): MemoryStats {
  const stat = parseFlatKeyed(read(dir, 'memory.stat'));
  const events = parseFlatKeyed(opt(dir, 'memory.events') ?? '');
  return {
    usage: num(dir, 'memory.current'),
    limit: num(dir, 'memory.max'),
    maxUsage: optNum(dir, 'memory.peak'),
    cache: stat.file ?? 0,
    rss: stat.anon ?? 0,
    swap: optNum(dir, 'memory.swap.current'),
    swapLimit: optNum(dir, 'memory.swap.max', Number.POSITIVE_INFINITY),
    oomKills: events.oom_kill ?? 0,
    stat,
  };
}

function pidsStats(dir: string): PidsStats {
  return { current: num(dir, 'pids.current'), limit: num(dir, 'pids.max') };
}

function ioV1(dir: string): IoDeviceStats[] {
  return parseBlkio(
    opt(dir, 'blkio.throttle.io_service_bytes_recursive') ?? opt(dir, 'blkio.throttle.io_service_bytes') ?? '',
    opt(dir, 'blkio.throttle.io_serviced_recursive') ?? opt(dir, 'blkio.throttle.io_serviced') ?? '',
  );
}

function hugetlbStats(dir: string, version: 1 | 2): Record<string, HugetlbStats> {
  const out: Record<string, HugetlbStats> = {};
  const sizes = new Set<string>();
  for (const f of readdirSync(dir)) {
    const m = /^hugetlb\.(\d+[KMGT]B)\.(?:limit_in_bytes|max)$/.exec(f);
    if (m?.[1]) sizes.add(m[1]);
  }
  for (const size of sizes) {
    const base = `hugetlb.${size}`;
    out[size] =
      version === 1
        ? {
            usage: num(dir, `${base}.usage_in_bytes`),
            max: num(dir, `${base}.limit_in_bytes`),
            failcnt: optNum(dir, `${base}.failcnt`),
          }
        : {
            usage: num(dir, `${base}.current`),
            max: num(dir, `${base}.max`),
            failcnt: parseFlatKeyed(opt(dir, `${base}.events`) ?? '').max ?? 0,
          };
  }
  return out;
}
