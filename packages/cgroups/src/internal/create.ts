// Creating a cgroup's directories in every hierarchy, remembering exactly which ones this
// call made so a failure (or a failing initial set) removes those and nothing else.
import { mkdirSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CgroupError } from '../errors.js';
import { parseWordList } from '../parse.js';
import { errnoOf, mapError, readText, writeValue } from './fsio.js';
import type { Placement } from './placement.js';

/** Every hierarchy mount this cgroup uses, with its directory there. */
function mounts(p: Placement): { mount: string; dir: string; version: 1 | 2; cpuset: boolean }[] {
  const rel = p.path === '/' ? '' : p.path.slice(1);
  const out: { mount: string; dir: string; version: 1 | 2; cpuset: boolean }[] = [];
  for (const h of p.layout.v1) {
    const dir = rel ? join(h.dir, rel) : h.dir;
    if (p.v1Dirs.includes(dir)) out.push({ mount: h.dir, dir, version: 1, cpuset: h.controllers.includes('cpuset') });
  }
  if (p.v2 && p.layout.v2) out.push({ mount: p.layout.v2.dir, dir: p.v2, version: 2, cpuset: false });
  return out;
}

function tryMkdir(dir: string): 'created' | 'exists' | 'no-parent' {
  try {
    mkdirSync(dir);
    return 'created';
  } catch (err) {
    const e = errnoOf(err);
    if (e === 'EEXIST') return 'exists';
    if (e === 'ENOENT') return 'no-parent';
    throw mapError(err, dir);
  }
}

/** mkdir -p in every hierarchy; returns the directories created, parents first. */
export function createDirs(p: Placement): string[] {
  const created: string[] = [];
  try {
    for (const m of mounts(p)) {
      // Fast path: the parent usually exists, so one mkdir does it.
      const fast = tryMkdir(m.dir);
      if (fast === 'exists') continue;
      if (fast === 'created') {
        created.push(m.dir);
        if (m.cpuset) inheritCpuset(m.dir);
        if (m.version === 2) enableControllers(p, dirname(m.dir), created);
        continue;
      }
      const parts = p.path.split('/').filter(Boolean);
      let dir = m.mount;
      for (const part of parts) {
        dir = join(dir, part);
        try {
          mkdirSync(dir);
        } catch (err) {
          if (errnoOf(err) === 'EEXIST') continue;
          throw mapError(err, dir);
        }
        created.push(dir);
        if (m.cpuset) inheritCpuset(dir);
        if (m.version === 2) enableControllers(p, dirname(dir), created);
      }
    }
  } catch (err) {
    removeCreated(created);
    throw err;
  }
  return created;
}

// A new v1 cpuset cgroup starts with empty cpus and mems, and attaching a task then
// fails with ENOSPC; copy the parent's values into the new child (runc ensureParent).
function inheritCpuset(dir: string): void {
  const parent = dirname(dir);
  for (const f of ['cpuset.cpus', 'cpuset.mems']) {
    const inherited = readText(join(parent, f)).trim();
    if (inherited && readText(join(dir, f)).trim() === '') writeValue(join(dir, f), inherited);
  }
}

// Only a parent that this call created gets controllers enabled: a pre-existing parent
// belongs to someone else (it may hold processes, and +ctrl there would be EBUSY anyway).
function enableControllers(p: Placement, parent: string, created: readonly string[]): void {
  if (!created.includes(parent)) return;
  const available = parseWordList(readText(join(parent, 'cgroup.controllers')));
  const wanted = p.mode === 'unified' ? available : available.filter((c) => p.v2Controllers.includes(c));
  if (wanted.length === 0) return;
  const file = join(parent, 'cgroup.subtree_control');
  try {
    writeValue(file, wanted.map((c) => `+${c}`).join(' '));
  } catch {
    // One at a time, as runc falls back: enable what the kernel accepts.
    for (const c of wanted) {
      try {
        writeValue(file, `+${c}`);
      } catch {}
    }
  }
}

/** Removes directories made by createDirs, deepest first; they are empty, so rmdir suffices. */
export function removeCreated(created: readonly string[]): void {
  for (const dir of [...created].reverse()) {
    try {
      rmdirSync(dir);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') {
        throw new CgroupError('ERR_CGROUP_IO', 'internal', `could not roll back ${dir}: ${(err as Error).message}`, {
          cause: err,
          path: dir,
        });
      }
    }
  }
}
