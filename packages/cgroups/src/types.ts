// The shapes this package speaks: OCI runtime-spec `linux.resources` (so @ctrkit/runtime
// can pass a config's resources through unchanged), the stats every version fills, and events.

/** runtime-spec `linux.resources.devices[]` (cgroup v1 only; see README). */
export interface LinuxDeviceCgroup {
  readonly allow: boolean;
  /** 'a' (all), 'b' (block) or 'c' (char). @default 'a' */
  readonly type?: string;
  /** Omitted or -1 means any (`*`). */
  readonly major?: number;
  readonly minor?: number;
  /** Any of 'r', 'w', 'm'. @default 'rwm' */
  readonly access?: string;
}

/** runtime-spec `linux.resources.memory`. Byte counts; -1 means unlimited. */
export interface LinuxMemory {
  readonly limit?: number;
  readonly reservation?: number;
  /** memory + swap (v1 semantics); on v2 `memory.swap.max` gets swap − limit. */
  readonly swap?: number;
  /** Deprecated by the kernel; written to memory.kmem.limit_in_bytes on v1 only. */
  readonly kernel?: number;
  readonly kernelTCP?: number;
  readonly swappiness?: number;
  readonly disableOOMKiller?: boolean;
  readonly useHierarchy?: boolean;
  readonly checkBeforeUpdate?: boolean;
}

/** runtime-spec `linux.resources.cpu`. Times in microseconds. */
export interface LinuxCPU {
  readonly shares?: number;
  /** Quota per period in µs; 0 or below means unlimited. */
  readonly quota?: number;
  readonly burst?: number;
  readonly period?: number;
  readonly realtimeRuntime?: number;
  readonly realtimePeriod?: number;
  readonly cpus?: string;
  readonly mems?: string;
  readonly idle?: number;
}

export interface LinuxPids {
  /** 0 is written as 1 (as runc does); -1 or below means unlimited. */
  readonly limit: number;
}

export interface LinuxWeightDevice {
  readonly major: number;
  readonly minor: number;
  readonly weight?: number;
  readonly leafWeight?: number;
}

export interface LinuxThrottleDevice {
  readonly major: number;
  readonly minor: number;
  readonly rate: number;
}

export interface LinuxBlockIO {
  readonly weight?: number;
  readonly leafWeight?: number;
  readonly weightDevice?: readonly LinuxWeightDevice[];
  readonly throttleReadBpsDevice?: readonly LinuxThrottleDevice[];
  readonly throttleWriteBpsDevice?: readonly LinuxThrottleDevice[];
  readonly throttleReadIOPSDevice?: readonly LinuxThrottleDevice[];
  readonly throttleWriteIOPSDevice?: readonly LinuxThrottleDevice[];
}

export interface LinuxHugepageLimit {
  /** Like '2MB' or '1GB' (the kernel's file-name spelling). */
  readonly pageSize: string;
  readonly limit: number;
}

/** runtime-spec `linux.resources`. */
export interface LinuxResources {
  readonly devices?: readonly LinuxDeviceCgroup[];
  readonly memory?: LinuxMemory;
  readonly cpu?: LinuxCPU;
  readonly pids?: LinuxPids;
  readonly blockIO?: LinuxBlockIO;
  readonly hugepageLimits?: readonly LinuxHugepageLimit[];
  /** Raw cgroup v2 files and values, e.g. { 'memory.high': '64M' }; written last. */
  readonly unified?: Readonly<Record<string, string>>;
  /** Not supported by this package (net_cls/net_prio, rdma): rejected when non-empty. */
  readonly network?: unknown;
  readonly rdma?: unknown;
}

/** How cpu.shares becomes cpu.weight on v2 (shared/reference/cgroups.md §5.1). */
export type SharesPolicy = 'quadratic' | 'linear' | 'systemd';

/** What a `set()` wrote, in order, and what it ignored. */
export interface SetResult {
  readonly writes: readonly { readonly file: string; readonly value: string }[];
  /** Values ignored or clamped (e.g. v1 cpu.shares read back differently, v2 swappiness). */
  readonly warnings: readonly string[];
}

/** Unlimited values read as `Infinity`. */
export interface CpuStats {
  readonly usageNs: number;
  readonly userNs: number;
  readonly systemNs: number;
  readonly periods: number;
  readonly throttledPeriods: number;
  readonly throttledNs: number;
}

export interface MemoryStats {
  /** Current usage in bytes (v1 usage_in_bytes, v2 memory.current). */
  readonly usage: number;
  readonly limit: number;
  /** Peak usage (v1 max_usage_in_bytes, v2 memory.peak when the kernel has it). */
  readonly maxUsage: number;
  /** Page cache (v1 `cache`, v2 `file`). */
  readonly cache: number;
  /** Anonymous memory (v1 `rss`, v2 `anon`). */
  readonly rss: number;
  /** Swap in use (v1 memsw usage − usage, v2 memory.swap.current). */
  readonly swap: number;
  readonly swapLimit: number;
  /** OOM kills in this cgroup (v1 oom_control's oom_kill, v2 memory.events oom_kill). */
  readonly oomKills: number;
  /** The whole memory.stat file. */
  readonly stat: Readonly<Record<string, number>>;
}

export interface PidsStats {
  readonly current: number;
  readonly limit: number;
}

export interface IoDeviceStats {
  readonly major: number;
  readonly minor: number;
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly readIos: number;
  readonly writeIos: number;
}

export interface HugetlbStats {
  readonly usage: number;
  readonly max: number;
  /** v1 failcnt, v2 hugetlb.SIZE.events `max`. */
  readonly failcnt: number;
}

/** One shape for both versions; a section is absent when its controller is not attached. */
export interface CgroupStats {
  readonly cpu?: CpuStats;
  readonly memory?: MemoryStats;
  readonly pids?: PidsStats;
  readonly io?: readonly IoDeviceStats[];
  readonly hugetlb?: Readonly<Record<string, HugetlbStats>>;
}

export type CgroupEventType = 'oom' | 'oom_kill' | 'populated' | 'frozen' | 'max' | 'high';

/** A change seen on the cgroup: counters carry their new total, flags 0 or 1. */
export interface CgroupEvent {
  readonly type: CgroupEventType;
  readonly count: number;
}

export interface PressureLine {
  readonly avg10: number;
  readonly avg60: number;
  readonly avg300: number;
  /** Total stall time in µs. */
  readonly total: number;
}

export interface Pressure {
  readonly some: PressureLine;
  /** Absent for cpu on kernels before 5.13 (no `full` line). */
  readonly full?: PressureLine;
}

/** PSI per resource; null when the kernel does not provide it (no cgroup2 or PSI off). */
export interface CgroupPressure {
  readonly cpu: Pressure | null;
  readonly memory: Pressure | null;
  readonly io: Pressure | null;
}
