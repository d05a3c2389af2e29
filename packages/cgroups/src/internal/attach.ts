// Attaching a task to a cgroup in every hierarchy it lives in. If one hierarchy refuses,
// the task is put back where it was in the hierarchies already changed, so a failed
// attach never leaves it split across cgroups.
import { join } from 'node:path';
import { CgroupError } from '../errors.js';
import { parseProcCgroup } from '../parse.js';
import { readOptional, writeValue } from './fsio.js';
import type { Placement } from './placement.js';
import { attach } from './procs.js';

export async function attachAll(p: Placement, id: number, v1File: string, v2File: string): Promise<void> {
  if (!Number.isInteger(id) || id <= 0) {
    throw new CgroupError('ERR_CGROUP_INVALID_VALUE', 'invalid-argument', `pid must be a positive integer, got ${id}`);
  }
  const targets: [string, string][] = p.v1Dirs.map((d) => [d, v1File]);
  if (p.v2) targets.push([p.v2, v2File]);
  const before = readOptional(`/proc/${id}/task/${id}/cgroup`) ?? readOptional(`/proc/${id}/cgroup`);
  const done: string[] = [];
  try {
    for (const [dir, file] of targets) {
      await attach(dir, file, id);
      done.push(dir);
    }
  } catch (err) {
    if (before && done.length > 0) restore(p, id, before, done, v1File, v2File);
    throw err;
  }
}

function restore(
  p: Placement,
  id: number,
  before: string,
  done: readonly string[],
  v1File: string,
  v2File: string,
): void {
  const old = parseProcCgroup(before);
  for (const h of p.layout.v1) {
    if (!done.some((d) => d.startsWith(`${h.dir}/`) || d === h.dir)) continue;
    const entry = old.find((e) => e.controllers.some((c) => h.controllers.includes(c)));
    if (entry) tryWrite(join(h.dir, entry.path, v1File), id);
  }
  const v2 = p.layout.v2;
  if (v2 && p.v2 && done.includes(p.v2)) {
    const entry = old.find((e) => e.id === 0 && e.controllers.length === 0);
    if (entry) tryWrite(join(v2.dir, entry.path, v2File), id);
  }
}

// Best effort: the task may have exited meanwhile, and the attach error is what matters.
function tryWrite(file: string, id: number): void {
  try {
    writeValue(file, String(id));
  } catch {}
}
