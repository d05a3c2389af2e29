export { Cgroup, type CgroupOptions, type CreateOptions, type TimeoutOptions } from './cgroup.js';
export {
  blkioWeightToIoWeight,
  cpuMax,
  hugePageSizeName,
  memorySwapToV2,
  numToV2,
  parseCpuMax,
  pidsMax,
  sharesToWeight,
} from './convert.js';
export {
  type AppliedWrite,
  CgroupError,
  type CgroupErrorCode,
  ERROR_CODES,
  type ErrorKind,
  isCtrkitError,
  PartialSetError,
} from './errors.js';
export type { EventsOptions } from './internal/events.js';
export type { FreezerState } from './internal/freeze.js';
export type { KillOptions } from './internal/kill.js';
export type { StatsSection } from './internal/stats.js';
export {
  type CgroupLayout,
  type CgroupMode,
  type DetectOptions,
  detectMode,
  V1_CONTROLLERS,
  type V1Hierarchy,
} from './mode.js';
export {
  type ProcCgroupEntry,
  parseBlkio,
  parseFlatKeyed,
  parseIdList,
  parseIoStat,
  parseLimit,
  parseNestedKeyed,
  parsePressure,
  parseProcCgroup,
  parseWordList,
} from './parse.js';
export type {
  CgroupEvent,
  CgroupEventType,
  CgroupPressure,
  CgroupStats,
  CpuStats,
  HugetlbStats,
  IoDeviceStats,
  LinuxBlockIO,
  LinuxCPU,
  LinuxDeviceCgroup,
  LinuxHugepageLimit,
  LinuxMemory,
  LinuxPids,
  LinuxResources,
  LinuxThrottleDevice,
  LinuxWeightDevice,
  MemoryStats,
  PidsStats,
  Pressure,
  PressureLine,
  SetResult,
  SharesPolicy,
} from './types.js';
