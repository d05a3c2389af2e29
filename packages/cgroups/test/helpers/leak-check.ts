// vitest globalSetup: after the whole suite, no test cgroup (`/ctrkit-test-*`, made by
// test/helpers/system.ts) that appeared during the run may remain in any hierarchy.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function testCgroups(): Set<string> {
  const out = new Set<string>();
  const root = '/sys/fs/cgroup';
  if (!existsSync(root)) return out;
  const mounts = existsSync(join(root, 'cgroup.procs'))
    ? [root]
    : readdirSync(root)
        .map((d) => join(root, d))
        .filter((d) => existsSync(join(d, 'cgroup.procs')));
  for (const m of mounts) {
    for (const d of readdirSync(m)) if (d.startsWith('ctrkit-test-')) out.add(join(m, d));
  }
  return out;
}

export default function setup(): () => void {
  const before = testCgroups();
  return () => {
    const left = [...testCgroups()].filter((d) => !before.has(d));
    if (left.length > 0) throw new Error(`test cgroups leaked: ${left.join(', ')}`);
  };
}
