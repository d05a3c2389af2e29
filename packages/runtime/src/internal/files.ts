// Removing ctrkit's own per-container files. Synchronous unlinks: each is one syscall on
// a file that normally exists, cheaper than a thread-pool round trip (or rmSync's lstats).
import { rmdirSync, unlinkSync } from 'node:fs';
import { PLAN_FILE } from './pid-dir.js';

/** unlink(2) that treats a missing file as done. */
export function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Removes `id`'s pid file and clean-up plan from their private directory, and the
 * directory (the plan last: until then a crash leaves it for reconcile()). runc's own
 * temporary (`.<id>.pid`, left if it died mid-write) is looked for only when the
 * directory is not empty; anything else in it is not ours and keeps it.
 */
export function removePidFile(dir: string, id: string): void {
  unlinkQuiet(`${dir}/${id}.pid`);
  unlinkQuiet(`${dir}/${PLAN_FILE}`);
  try {
    rmdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    unlinkQuiet(`${dir}/.${id}.pid`);
    try {
      rmdirSync(dir);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'ENOTEMPTY') throw again;
    }
  }
}
