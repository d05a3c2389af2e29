// Checks a whole `linux.resources` before the first write, so that bad input fails with
// a typed error and leaves the cgroup untouched (ranges from shared/reference/cgroups.md §3).
import { join } from 'node:path';
import { CgroupError } from '../errors.js';
import type { LinuxResources } from '../types.js';
import { exists } from './fsio.js';
import { type Placement, serve } from './placement.js';

function bad(field: string, value: unknown, accepted: string): CgroupError {
  return new CgroupError(
    'ERR_CGROUP_INVALID_VALUE',
    'invalid-argument',
    `resources.${field} is ${JSON.stringify(value)}; accepted: ${accepted}`,
  );
}

function int(field: string, v: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < min || v > max) throw bad(field, v, `an integer in ${min}..${max}`);
}

function unsupported(what: string, why: string): CgroupError {
  return new CgroupError('ERR_UNSUPPORTED', 'not-implemented', `${what} cannot be applied: ${why}`);
}

function need(p: Placement, controller: string, field: string): 1 | 2 {
  const s = serve(p, controller);
  if (!s) {
    throw new CgroupError(
      'ERR_CGROUP_NOT_FOUND',
      'not-found',
      `resources.${field} needs the ${controller} controller, which is not attached to ${p.path} (mode ${p.mode}); create the cgroup with it or enable it in the parent's cgroup.subtree_control`,
    );
  }
  return s.version;
}

/** The io controller's v1 name is blkio; returns the version serving block I/O. */
export function ioVersion(p: Placement): 1 | 2 | undefined {
  return serve(p, 'blkio')?.version ?? serve(p, 'io')?.version;
}

export function validateResources(r: LinuxResources, p: Placement): void {
  if (typeof r !== 'object' || r === null) throw bad('', r, 'an object in the runtime-spec linux.resources shape');
  if (r.network && Object.keys(r.network).length > 0) {
    throw unsupported('resources.network', 'net_cls/net_prio are not handled by @ctrkit/cgroups');
  }
  if (r.rdma && Object.keys(r.rdma).length > 0) {
    throw unsupported('resources.rdma', 'the rdma controller is not handled by @ctrkit/cgroups');
  }
  const { cpu, memory, pids, blockIO, hugepageLimits, devices, unified } = r;
  if (cpu) {
    int('cpu.shares', cpu.shares, 0, 262144 * 4096);
    int('cpu.quota', cpu.quota, -1);
    if (cpu.quota !== undefined && cpu.quota > 0 && cpu.quota < 1000)
      throw bad('cpu.quota', cpu.quota, '-1, 0 (unset) or >= 1000 µs');
    int('cpu.period', cpu.period, 0, 1_000_000);
    if (cpu.period && cpu.period < 1000) throw bad('cpu.period', cpu.period, '1000..1000000 µs');
    int('cpu.burst', cpu.burst, 0);
    int('cpu.realtimeRuntime', cpu.realtimeRuntime, -1);
    int('cpu.realtimePeriod', cpu.realtimePeriod, 0);
    int('cpu.idle', cpu.idle, 0, 1);
    const usesCpu = [cpu.shares, cpu.quota, cpu.period, cpu.burst, cpu.idle, cpu.realtimePeriod, cpu.realtimeRuntime];
    if (usesCpu.some((v) => v !== undefined && v !== 0) || cpu.idle !== undefined) {
      const v = need(p, 'cpu', 'cpu');
      if (v === 2 && (cpu.realtimePeriod || cpu.realtimeRuntime)) {
        throw unsupported('resources.cpu.realtime*', 'cgroup v2 has no real-time CPU controller; drop the values');
      }
    }
    for (const k of ['cpus', 'mems'] as const) {
      const v = cpu[k];
      if (v === undefined || v === '') continue;
      if (!/^[0-9,\-\s]+$/.test(v)) throw bad(`cpu.${k}`, v, 'a list like "0-3,6"');
      need(p, 'cpuset', `cpu.${k}`);
    }
  }
  if (memory) {
    for (const k of ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP'] as const) int(`memory.${k}`, memory[k], -1);
    int('memory.swappiness', memory.swappiness, 0, 200);
    const { limit = 0, swap = 0 } = memory;
    if (swap > 0 && (limit === 0 || (limit > 0 && swap < limit))) {
      throw bad(
        'memory.swap',
        swap,
        `memory+swap, so -1 or a byte count >= memory.limit (${limit}), with memory.limit set`,
      );
    }
    need(p, 'memory', 'memory');
  }
  if (pids) {
    if (typeof pids.limit !== 'number') throw bad('pids.limit', pids.limit, 'an integer (-1 = unlimited)');
    int('pids.limit', pids.limit, Number.MIN_SAFE_INTEGER);
    need(p, 'pids', 'pids');
  }
  if (blockIO) validateBlockIO(blockIO, p);
  if (hugepageLimits && hugepageLimits.length > 0) {
    for (const h of hugepageLimits) {
      if (!/^\d+[KMGT]B$/.test(h.pageSize))
        throw bad('hugepageLimits[].pageSize', h.pageSize, 'a size like "2MB" or "1GB"');
      int('hugepageLimits[].limit', h.limit, 0);
    }
    need(p, 'hugetlb', 'hugepageLimits');
  }
  if (devices && devices.length > 0) {
    if (!p.v1.has('devices') && p.v2) {
      throw unsupported(
        'resources.devices',
        'on cgroup v2 device access is an eBPF program attached to the cgroup, which the OCI runtime (runc, crun) installs; pass devices to the runtime instead',
      );
    }
    need(p, 'devices', 'devices');
    for (const d of devices) {
      if (typeof d.allow !== 'boolean') throw bad('devices[].allow', d.allow, 'true or false');
      if (d.type !== undefined && !['a', 'b', 'c'].includes(d.type))
        throw bad('devices[].type', d.type, '"a", "b" or "c"');
      if (d.access !== undefined && !/^[rwm]{1,3}$/.test(d.access))
        throw bad('devices[].access', d.access, 'letters from "rwm"');
      int('devices[].major', d.major, -1);
      int('devices[].minor', d.minor, -1);
    }
  }
  if (unified && Object.keys(unified).length > 0) validateUnified(unified, p);
}

function validateBlockIO(b: NonNullable<LinuxResources['blockIO']>, p: Placement): void {
  const w = (field: string, v: number | undefined) => {
    if (v !== undefined && v !== 0) int(field, v, 10, 1000);
  };
  w('blockIO.weight', b.weight);
  w('blockIO.leafWeight', b.leafWeight);
  for (const d of b.weightDevice ?? []) {
    int('blockIO.weightDevice[].major', d.major, 0);
    int('blockIO.weightDevice[].minor', d.minor, 0);
    w('blockIO.weightDevice[].weight', d.weight);
    w('blockIO.weightDevice[].leafWeight', d.leafWeight);
  }
  for (const k of [
    'throttleReadBpsDevice',
    'throttleWriteBpsDevice',
    'throttleReadIOPSDevice',
    'throttleWriteIOPSDevice',
  ] as const) {
    for (const d of b[k] ?? []) {
      int(`blockIO.${k}[].major`, d.major, 0);
      int(`blockIO.${k}[].minor`, d.minor, 0);
      int(`blockIO.${k}[].rate`, d.rate, 0);
    }
  }
  if (ioVersion(p) === undefined) need(p, p.mode === 'unified' ? 'io' : 'blkio', 'blockIO');
}

function validateUnified(unified: Readonly<Record<string, string>>, p: Placement): void {
  if (!p.v2) throw unsupported('resources.unified', `${p.path} has no cgroup v2 directory (mode ${p.mode})`);
  for (const [key, value] of Object.entries(unified)) {
    if (!/^[a-z_]+(\.[a-z0-9_]+)+$/.test(key) || key.includes('/')) {
      throw bad(`unified[${JSON.stringify(key)}]`, key, 'a cgroup v2 file name like "memory.high" (no "/")');
    }
    if (typeof value !== 'string') throw bad(`unified[${JSON.stringify(key)}]`, value, 'a string value');
    const ctrl = key.slice(0, key.indexOf('.'));
    if (p.v1.has(ctrl)) {
      throw unsupported(
        `resources.unified["${key}"]`,
        `the ${ctrl} controller is bound to cgroup v1 on this host; use the matching resources field`,
      );
    }
    if (!exists(join(p.v2, key))) {
      throw new CgroupError(
        'ERR_CGROUP_NOT_FOUND',
        'not-found',
        `resources.unified["${key}"]: ${join(p.v2, key)} does not exist; the ${ctrl} controller is not enabled for ${p.path} (see cgroup.controllers)`,
      );
    }
  }
}
