// mount/umount, mknod and a 0/0 whiteout against a real overlayfs.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MNT,
  MS,
  major,
  makedev,
  minor,
  mknod,
  mknodSync,
  mount,
  mountSync,
  S,
  umount,
  umountSync,
} from '../src/index.js';

const gate = requires('root', 'fs:overlay');

describe.runIf(gate.ok)('overlay mounts and whiteouts', () => {
  let dir: string;
  let merged: string;
  let mounted: string[] = [];

  beforeEach(async () => {
    dir = await makeTempDir('sys-ovl');
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'lower/keep'), 'from lower\n');
    writeFileSync(join(dir, 'lower/gone'), 'hidden by a whiteout\n');
    merged = join(dir, 'merged');
  });

  afterEach(async () => {
    for (const m of mounted.reverse()) {
      try {
        umountSync(m, MNT.DETACH);
      } catch {}
    }
    mounted = [];
    await rm(dir, { recursive: true, force: true });
  });

  const opts = () => `lowerdir=${join(dir, 'lower')},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`;

  it('mounts an overlay, reads through it, writes to upper, unmounts', async () => {
    await mount('overlay', merged, 'overlay', 0, opts());
    mounted.push(merged);
    expect(readFileSync(join(merged, 'keep'), 'utf8')).toBe('from lower\n');
    writeFileSync(join(merged, 'new'), 'written\n');
    expect(readFileSync(join(dir, 'upper/new'), 'utf8')).toBe('written\n');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).toContain(` ${merged} `);
    await umount(merged);
    mounted = [];
    expect(readdirSync(merged)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(` ${merged} `);
  });

  it('hides a lower file behind a char 0/0 whiteout made with mknod', async () => {
    await mknod(join(dir, 'upper/gone'), S.IFCHR | 0o000, makedev(0, 0));
    const st = statSync(join(dir, 'upper/gone'));
    expect(st.isCharacterDevice()).toBe(true);
    expect([major(Number(st.rdev)), minor(Number(st.rdev))]).toEqual([0, 0]);
    mountSync('overlay', merged, 'overlay', MS.NOATIME, opts());
    mounted.push(merged);
    expect(readdirSync(merged).sort()).toEqual(['keep']);
    expect(() => statSync(join(merged, 'gone'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('creates a real device node (/dev/null numbers) that works', () => {
    const node = join(dir, 'null');
    mknodSync(node, S.IFCHR | 0o666, makedev(1, 3));
    writeFileSync(node, 'discarded');
    expect(readFileSync(node, 'utf8')).toBe('');
    rmSync(node);
  });

  it('reports mount failures like Node system errors and leaves nothing mounted', async () => {
    const missing = join(dir, 'nope');
    await expect(mount('overlay', missing, 'overlay', 0, opts())).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: 'mount',
      path: missing,
    });
    await expect(mount('overlay', merged, 'overlay', 0, 'lowerdir=/definitely/not/here')).rejects.toMatchObject({
      syscall: 'mount',
    });
    await expect(umount(merged)).rejects.toMatchObject({ code: 'EINVAL', syscall: 'umount2', path: merged });
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(` ${merged} `);
  });
});
