// Removing a cgroup directory tree as runc's RemovePath does: rmdir, and on EBUSY remove
// the children first, then retry with backoff while the last tasks exit. ENOENT counts
// as success, so delete is idempotent. Control files cannot be unlinked (EPERM), so a
// recursive rm is never used (containerd/cgroups#148).
import { rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupError } from '../errors.js';
import { childDirs, errnoOf, mapError } from './fsio.js';
import { pidsInTree } from './procs.js';
import { sleep } from './sleep.js';

function tryRmdir(dir: string): 'gone' | 'busy' {
  try {
    rmdirSync(dir);
    return 'gone';
  } catch (err) {
    const e = errnoOf(err);
    if (e === 'ENOENT') return 'gone';
    if (e === 'EBUSY' || e === 'ENOTEMPTY') return 'busy';
    throw mapError(err, dir);
  }
}

/** Removes `dir` and its child cgroups; fails with ERR_CGROUP_BUSY after `timeoutMs`. */
export async function removeTree(dir: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const end = performance.now() + timeoutMs;
  let wait = 1;
  for (;;) {
    if (tryRmdir(dir) === 'gone') return;
    for (const child of childDirs(dir)) {
      await removeTree(join(dir, child), Math.max(0, end - performance.now()), signal);
    }
    if (tryRmdir(dir) === 'gone') return;
    if (performance.now() >= end) {
      const pids = pidsInTree(dir);
      throw new CgroupError(
        'ERR_CGROUP_BUSY',
        'failed-precondition',
        `cannot remove ${dir}: still busy after ${timeoutMs} ms${pids.length ? ` with processes ${pids.join(', ')}` : ''}; kill() them or moveTo() another cgroup first`,
        { path: dir, errno: 'EBUSY' },
      );
    }
    await sleep(wait, signal);
    wait = Math.min(wait * 2, 100);
  }
}
