// Attaching tasks. A just-forked task can be refused with EINVAL while it is still
// TASK_NEW, so retry 5 × 30 ms (runc PR #1950); other errnos get a specific error.
import { join } from 'node:path';
import { CgroupError } from '../errors.js';
import { parseIdList } from '../parse.js';
import { childDirs, readOptional, writeValue } from './fsio.js';
import { allDirs, type Placement } from './placement.js';
import { sleep } from './sleep.js';

function explain(err: CgroupError, dir: string, id: number): CgroupError {
  if (err.errno === 'ENOSPC') {
    return new CgroupError(
      'ERR_CGROUP_CPUSET_EMPTY',
      'failed-precondition',
      `cannot attach ${id} to ${dir}: its cpuset.cpus or cpuset.mems is empty; set resources.cpu.cpus/mems first`,
      { cause: err, path: dir, errno: 'ENOSPC' },
    );
  }
  if (err.errno === 'EBUSY') {
    return new CgroupError(
      'ERR_CGROUP_INTERNAL_PROCESS',
      'failed-precondition',
      `cannot attach ${id} to ${dir}: it has controllers enabled in cgroup.subtree_control, and cgroup v2 allows processes only in leaves; use a child cgroup`,
      { cause: err, path: dir, errno: 'EBUSY' },
    );
  }
  return err;
}

/** Writes `id` to `file` (cgroup.procs, tasks or cgroup.threads) in `dir`. */
export async function attach(dir: string, file: string, id: number): Promise<void> {
  const path = join(dir, file);
  for (let attempt = 0; ; attempt++) {
    try {
      writeValue(path, String(id));
      return;
    } catch (err) {
      if (!(err instanceof CgroupError)) throw err;
      if (err.errno === 'EINVAL' && attempt < 5) {
        await sleep(30);
        continue;
      }
      throw explain(err, dir, id);
    }
  }
}

/**
 * The processes in one cgroup directory. A threaded v2 cgroup refuses cgroup.procs
 * (ENOTSUP), so its cgroup.threads are read and mapped to their thread-group ids.
 */
export function readPids(dir: string): number[] {
  try {
    return parseIdList(readOptional(join(dir, 'cgroup.procs')) ?? '');
  } catch (err) {
    if (!(err instanceof CgroupError && err.code === 'ERR_CGROUP_THREADED')) throw err;
  }
  const tgids = new Set<number>();
  for (const tid of parseIdList(readOptional(join(dir, 'cgroup.threads')) ?? '')) {
    const status = readOptional(`/proc/${tid}/status`);
    const tgid = status ? Number(/^Tgid:\s*(\d+)/m.exec(status)?.[1]) : Number.NaN;
    if (Number.isInteger(tgid)) tgids.add(tgid);
  }
  return [...tgids];
}

/** The pids in a cgroup (the union over its hierarchies, optionally with descendants), sorted. */
export function pidsOf(p: Placement, recursive: boolean): number[] {
  const all = new Set<number>();
  for (const dir of allDirs(p)) {
    for (const id of recursive ? pidsInTree(dir) : readPids(dir)) all.add(id);
  }
  return [...all].sort((a, b) => a - b);
}

/** The pids in `dir` and its descendants. */
export function pidsInTree(dir: string): number[] {
  const out = readPids(dir);
  for (const child of childDirs(dir)) out.push(...pidsInTree(join(dir, child)));
  return out;
}
