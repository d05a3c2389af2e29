// v1 OOM notifications: an eventfd registered through cgroup.event_control against
// memory.oom_control (the kernel signals it on every OOM in the cgroup). The eventfd is
// also signalled when the cgroup is removed, so each wakeup first checks that
// cgroup.event_control still exists (as runc's notify_linux.go does). @ctrkit/sys is an
// optional dependency loaded on first use: without it (not installed, or its addon not
// built) the caller falls back to polling oom_control's counters.
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import type { EventFd } from '@ctrkit/sys';
import { CgroupError } from '../errors.js';
import { exists, writeValue } from './fsio.js';

export interface OomWatch {
  /** Resolves at the next OOM notification; false when the cgroup went away or it was closed. */
  next(): Promise<boolean>;
  close(): void;
}

/** Registers an eventfd for OOM on the v1 memory cgroup `dir`. @throws ERR_UNSUPPORTED without the addon. */
export async function watchOomV1(dir: string): Promise<OomWatch> {
  let efd: EventFd;
  try {
    const sys = await import('@ctrkit/sys');
    efd = sys.eventfd();
  } catch (err) {
    throw new CgroupError(
      'ERR_UNSUPPORTED',
      'unavailable',
      `v1 OOM notification needs the @ctrkit/sys eventfd binding: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  let ofd: number | undefined;
  try {
    ofd = openSync(join(dir, 'memory.oom_control'), constants.O_RDONLY);
    writeValue(join(dir, 'cgroup.event_control'), `${efd.fd} ${ofd}`);
  } catch (err) {
    efd.close();
    if (ofd !== undefined) closeSync(ofd);
    throw err;
  }
  const controlFile = join(dir, 'cgroup.event_control');
  let closed = false;
  const ctrl = new AbortController();
  return {
    async next() {
      if (closed) return false;
      try {
        await efd.read({ signal: ctrl.signal });
      } catch {
        return false;
      }
      return !closed && exists(controlFile);
    },
    close() {
      if (closed) return;
      closed = true;
      ctrl.abort();
      efd.close();
      if (ofd !== undefined) closeSync(ofd);
    },
  };
}
