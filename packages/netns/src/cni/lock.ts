// A directory lock for the IPAM store: mkdir(2) is atomic, so whoever creates
// `<dir>/lock.d` holds it. A holder that died leaves a stale directory, broken after
// `staleMs`. (proper-lockfile does the same but took 176 ms to import on the shared test
// machine — more than a whole pod's wiring — and a CNI binary starts once per pod.)
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { NetnsError } from '../errors.js';

export interface LockOptions {
  /** @default 10000 */
  readonly staleMs?: number;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

export async function withDirLock<T>(path: string, fn: () => T | Promise<T>, opts: LockOptions = {}): Promise<T> {
  const staleMs = opts.staleMs ?? 10_000;
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let delay = 2;
  for (;;) {
    try {
      await mkdir(path);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const st = await stat(path).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > staleMs) {
      await rmdir(path).catch(() => {});
      continue;
    }
    if (Date.now() > deadline) {
      throw new NetnsError(
        'ERR_IPAM_LOCKED',
        `could not take the IPAM lock ${path} within ${opts.timeoutMs ?? 10_000} ms; remove it if no plugin is running`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await fn();
  } finally {
    await rmdir(path).catch(() => {});
  }
}
