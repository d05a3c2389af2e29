// Reading and writing cgroupfs control files. Writes open with O_WRONLY|O_TRUNC and never
// O_CREAT: Node's default flag 'w' (O_CREAT|O_TRUNC) turns a missing control file into
// a misleading EACCES (measured on 6.18), while O_WRONLY gives the honest ENOENT.
// O_TRUNC is a no-op on kernfs (checked on 6.18) and keeps a fake cgroupfs of regular
// files exact for the unit tests, as runc's WriteFile also opens with it.
// Each value goes out in one write(2), because the kernel parses each write separately.
// The calls are synchronous on purpose: cgroupfs is in-memory kernfs, a write never
// waits on a disk, and a thread-pool hop per file costs more than the syscall
// (bench/src/cgroups-lifecycle.bench.ts measures the whole lifecycle).
import { closeSync, constants, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { CgroupError } from '../errors.js';

/** A Node system error's errno name, or undefined. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('E') ? code : undefined;
}

/** Writes `value` to the control file `file` in one write(2); maps the errno to a typed error. */
export function writeValue(file: string, value: string): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_TRUNC);
  } catch (err) {
    throw mapError(err, file, value);
  }
  try {
    writeSync(fd, value);
  } catch (err) {
    throw mapError(err, file, value);
  } finally {
    closeSync(fd);
  }
}

// Control files report a size of 0 or 4096 whatever they hold, so read to EOF into one
// reused buffer: open + read + close, without readFileSync's fstat and allocation
// (stats() of 1,000 cgroups reads ~10,000 files; bench/src/cgroups-lifecycle.bench.ts).
let scratch = Buffer.allocUnsafe(64 * 1024);

function readRaw(file: string): string {
  const fd = openSync(file, constants.O_RDONLY);
  try {
    let len = 0;
    for (;;) {
      if (len === scratch.length) {
        const bigger = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(bigger);
        scratch = bigger;
      }
      const n = readSync(fd, scratch, len, scratch.length - len, null);
      if (n === 0) break;
      len += n;
    }
    return scratch.toString('latin1', 0, len);
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole control file. */
export function readText(file: string): string {
  try {
    return readRaw(file);
  } catch (err) {
    throw mapError(err, file);
  }
}

/**
 * Reads a control file, or returns undefined when it does not exist (controller absent)
 * or, with `unsupportedIsAbsent`, when the kernel refuses it (PSI turned off at boot
 * answers EOPNOTSUPP).
 */
export function readOptional(file: string, unsupportedIsAbsent = false): string | undefined {
  try {
    return readRaw(file);
  } catch (err) {
    const e = errnoOf(err);
    if (e === 'ENOENT' || e === 'ENODEV') return undefined;
    if (unsupportedIsAbsent && (e === 'EOPNOTSUPP' || e === 'ENOTSUP')) return undefined;
    throw mapError(err, file);
  }
}

/** Whether a path exists (no throw). */
export function exists(path: string): boolean {
  try {
    closeSync(openSync(path, constants.O_RDONLY));
    return true;
  } catch (err) {
    return errnoOf(err) === 'EISDIR';
  }
}

/** The child cgroup directories of `dir` (control files are regular files, children are dirs). */
export function childDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return [];
    throw mapError(err, dir);
  }
}

/** Turns a kernel answer on `file` into a CgroupError that says what to do. */
export function mapError(err: unknown, file: string, value?: string): CgroupError {
  const errno = errnoOf(err);
  const name = basename(file);
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  const opts = { cause: err, path: file, ...(errno === undefined ? {} : { errno }) };
  switch (errno) {
    case 'ENOENT':
      return new CgroupError(
        'ERR_CGROUP_NOT_FOUND',
        'not-found',
        `${file} does not exist: the cgroup is gone, or the controller that provides ${name} is not enabled for it (check the cgroup version and cgroup.subtree_control)`,
        opts,
      );
    case 'EINVAL':
    case 'ERANGE':
      return new CgroupError(
        'ERR_CGROUP_INVALID_VALUE',
        'invalid-argument',
        `the kernel rejected${shown} for ${file} (${errno})${value === undefined ? '' : `; ${acceptedRange(name)}`}`,
        opts,
      );
    case 'ESRCH':
      return new CgroupError(
        'ERR_CGROUP_NO_PROCESS',
        'not-found',
        `no such process${shown} (writing ${file}): it exited or never existed`,
        opts,
      );
    case 'EACCES':
    case 'EPERM':
      return new CgroupError(
        'ERR_CGROUP_PERMISSION',
        'permission-denied',
        `permission denied writing${shown} to ${file} (${errno}): run as root or use a delegated cgroup`,
        opts,
      );
    case 'ENOTSUP':
    case 'EOPNOTSUPP':
      return new CgroupError(
        'ERR_CGROUP_THREADED',
        'failed-precondition',
        `${file} is not supported here (${errno}): in a threaded cgroup use cgroup.threads, and domain controllers cannot be enabled`,
        opts,
      );
    default:
      return new CgroupError(
        'ERR_CGROUP_IO',
        'internal',
        `cgroupfs access to ${file}${shown} failed: ${(err as Error)?.message ?? String(err)}`,
        opts,
      );
  }
}

// The accepted ranges measured on kernel 6.18 (shared/reference/cgroups.md §3), for messages.
const RANGES: Record<string, string> = {
  'cpu.shares': 'accepted: 2..262144 (the kernel clamps)',
  'cpu.weight': 'accepted: 1..10000',
  'cpu.cfs_period_us': 'accepted: 1000..1000000 µs, and the quota/period ratio must not exceed the parent',
  'cpu.cfs_quota_us': 'accepted: -1 (unlimited) or >= 1000 µs, within the parent ratio',
  'cpu.cfs_burst_us': 'accepted: 0..quota µs',
  'cpu.rt_runtime_us':
    'accepted: -1 or 0..period µs; the children together must fit in the parent runtime, so every ancestor needs some',
  'cpu.rt_period_us': 'accepted: 1..1000000 µs, with runtime <= period',
  'cpu.max': 'accepted: "max PERIOD" or "QUOTA PERIOD" with QUOTA >= 1000 and PERIOD in 1000..1000000',
  'cpu.max.burst': 'accepted: 0..quota µs',
  'memory.limit_in_bytes': 'accepted: -1 or a byte count; it must stay <= memory.memsw.limit_in_bytes',
  'memory.memsw.limit_in_bytes': 'accepted: -1 or a byte count >= memory.limit_in_bytes',
  'memory.swappiness': 'accepted: 0..200',
  'memory.max': 'accepted: "max" or a byte count (never -1)',
  'memory.swap.max': 'accepted: "max" or a byte count',
  'pids.max': 'accepted: "max" or 0..4194304',
  'freezer.state': 'accepted: FROZEN or THAWED',
  'cgroup.freeze': 'accepted: 0 or 1',
  'cgroup.kill': 'accepted: 1',
  'cgroup.procs': 'accepted: a pid; a just-forked task can give EINVAL briefly',
  'cpuset.cpus': 'accepted: CPUs within the parent cgroup cpuset.cpus',
  'cpuset.mems': 'accepted: NUMA nodes within the parent cgroup cpuset.mems',
  'io.weight': 'accepted: "default N" or "MAJ:MIN N" with N in 1..10000',
  'io.bfq.weight': 'accepted: 1..1000',
  'blkio.weight': 'accepted: 10..1000',
  'blkio.bfq.weight': 'accepted: 1..1000',
};

function acceptedRange(name: string): string {
  return RANGES[name] ?? 'see the kernel documentation for the accepted values of this file';
}
