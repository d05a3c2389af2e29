// OOM-kill detection from the container's memory cgroup: v1 `memory.oom_control`'s
// `oom_kill` counter (kernel >= 4.13), or v2 `memory.events`' `oom_kill`. Read directly
// here (one small file) rather than through @ctrkit/cgroups, which was not yet published
// when this package was written; the counters are the kernel's own, no polling involved.
import { readFile } from 'node:fs/promises';
import { cgroupDir } from './internal/cgroup-mounts.js';

/** Parses "key value" lines (memory.oom_control, memory.events) into numbers. */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** The number of OOM kills in the container's memory cgroup, or null when it cannot be read. */
export async function oomKillCount(cgroupsPath: string): Promise<number | null> {
  const dir = cgroupDir(cgroupsPath, 'memory');
  if (!dir) return null;
  for (const file of ['memory.oom_control', 'memory.events']) {
    try {
      const kv = parseFlatKeyed(await readFile(`${dir}/${file}`, 'utf8'));
      if (kv.oom_kill !== undefined) return kv.oom_kill;
    } catch (err) {
      // v1 has no memory.events and v2 no memory.oom_control; a missing cgroup reads as unknown.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return null;
}
