// The defaults `runc spec` (runc 1.1.5, libcontainer/specconv/example.go) writes, so a
// generated bundle behaves like the one every runc user knows. Functions return fresh
// copies: callers edit what they get.
import type { Capabilities, Mount, Rlimit } from './spec-types.js';

/** The runtime-spec version written into generated specs (what runc 1.1.5 reports). */
export const OCI_VERSION = '1.0.2-dev';

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** AUDIT_WRITE, KILL and NET_BIND_SERVICE in every set, as `runc spec` has them. */
export function defaultCapabilities(
  names: readonly string[] = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
): Capabilities {
  return {
    bounding: [...names],
    effective: [...names],
    permitted: [...names],
    ambient: [...names],
  };
}

export function defaultRlimits(): Rlimit[] {
  return [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }];
}

/** proc, /dev tmpfs, devpts, shm, mqueue, sysfs (ro) and cgroup (ro). */
export function defaultMounts(): Mount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc' },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
    },
  ];
}

export function defaultMaskedPaths(): string[] {
  return [
    '/proc/acpi',
    '/proc/asound',
    '/proc/kcore',
    '/proc/keys',
    '/proc/latency_stats',
    '/proc/timer_list',
    '/proc/timer_stats',
    '/proc/sched_debug',
    '/sys/firmware',
    '/proc/scsi',
  ];
}

export function defaultReadonlyPaths(): string[] {
  return ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
}
