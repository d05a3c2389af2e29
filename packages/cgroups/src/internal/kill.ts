// Killing every task of a cgroup. v2 `cgroup.kill` (kernel >= 5.14) does it atomically;
// otherwise the group is frozen first, so no task can fork a new one between listing and
// signalling, then every task is signalled and the group thawed — a frozen task only
// receives SIGKILL once thawed (containerd fallbackKill, runc signalAllProcesses).
import { join } from 'node:path';
import { CgroupError } from '../errors.js';
import { freezeV1, freezeV2, thawV1, thawV2 } from './freeze.js';
import { exists, writeValue } from './fsio.js';
import type { Placement } from './placement.js';
import { pidsOf } from './procs.js';
import { sleep } from './sleep.js';

export interface KillOptions {
  /** The signal sent to every task. @default 'SIGKILL' */
  readonly killSignal?: NodeJS.Signals;
  /** Wait until the cgroup is empty (only for SIGKILL). @default true */
  readonly wait?: boolean;
  /** Bounds the freeze and the wait. @default 5000 */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export async function killAll(p: Placement, options: KillOptions): Promise<void> {
  const sig = options.killSignal ?? 'SIGKILL';
  const timeoutMs = options.timeoutMs ?? 5000;
  if (sig === 'SIGKILL' && p.v2 && exists(join(p.v2, 'cgroup.kill'))) writeValue(join(p.v2, 'cgroup.kill'), '1');
  if (pidsOf(p, true).length > 0) {
    const freezer = p.v1.get('freezer');
    const v2 = freezer ? undefined : p.v2;
    if (freezer) await freezeV1(freezer, timeoutMs, options.signal);
    else if (v2) await freezeV2(v2, timeoutMs, options.signal);
    try {
      for (const pid of pidsOf(p, true)) {
        try {
          process.kill(pid, sig);
        } catch {}
      }
    } finally {
      if (freezer) await thawV1(freezer);
      else if (v2) await thawV2(v2);
    }
  }
  if (sig !== 'SIGKILL' || options.wait === false) return;
  const end = performance.now() + timeoutMs;
  let wait = 1;
  for (;;) {
    const left = pidsOf(p, true);
    if (left.length === 0) return;
    if (performance.now() >= end) {
      throw new CgroupError(
        'ERR_CGROUP_TIMEOUT',
        'unavailable',
        `${p.path} still holds processes ${left.join(', ')} ${timeoutMs} ms after SIGKILL (uninterruptible sleep?)`,
      );
    }
    await sleep(wait, options.signal);
    wait = Math.min(wait * 2, 50);
  }
}
