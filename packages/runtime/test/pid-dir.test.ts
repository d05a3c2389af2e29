// Where the pid file goes: the root when it is a memory filesystem, else a private
// directory in /dev/shm named for the container (runc writes pid files O_SYNC).
import { existsSync, statfsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removePidFile } from '../src/internal/files.js';
import { isPidDirOf, pidFileLocation } from '../src/internal/pid-dir.js';

const TMPFS_MAGIC = 0x01021994;

describe('pidFileLocation', () => {
  it('keeps the pid file in a root on tmpfs', async () => {
    const root = await mkdtemp('/dev/shm/ctrkit-rt-root-');
    try {
      expect(pidFileLocation(root, 'c1')).toEqual({ path: `${root}/c1.pid`, dir: null });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('gives a root on a disk filesystem a private 0700 directory in /dev/shm, removed with the file', () => {
    const root = import.meta.dirname;
    const loc = pidFileLocation(root, 'c2');
    if (statfsSync(root).type === TMPFS_MAGIC) {
      // This checkout itself is on tmpfs: the root is as good as /dev/shm.
      expect(loc).toEqual({ path: `${root}/c2.pid`, dir: null });
      return;
    }
    expect(loc.dir).not.toBeNull();
    const dir = loc.dir as string;
    expect(loc.path).toBe(join(dir, 'c2.pid'));
    expect(isPidDirOf(dir, 'c2')).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    removePidFile(dir, 'c2');
    expect(existsSync(dir)).toBe(false);
  });

  it('recognises only the names it gives an id', () => {
    expect(isPidDirOf('/dev/shm/ctrkit-pid-a-AbC123', 'a')).toBe(true);
    expect(isPidDirOf('/dev/shm/ctrkit-pid-a-b-AbC123', 'a')).toBe(false);
    expect(isPidDirOf('/dev/shm/ctrkit-pid-a-AbC123/..', 'a')).toBe(false);
    expect(isPidDirOf('/tmp/ctrkit-pid-a-AbC123', 'a')).toBe(false);
    expect(isPidDirOf('/dev/shm/ctrkit-pid-a-', 'a')).toBe(false);
  });
});
