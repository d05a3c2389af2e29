// Temporary directories that are always removed, even when the test fails.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `fn` with a fresh directory under the temp dir, then removes it. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `ctrkit-${prefix}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A fresh directory the caller removes (e.g. in afterEach) with `rm(dir, { recursive: true })`.
 * `base` defaults to the temp dir.
 */
export function makeTempDir(prefix: string, base: string = tmpdir()): Promise<string> {
  return mkdtemp(join(base, `ctrkit-${prefix}-`));
}
