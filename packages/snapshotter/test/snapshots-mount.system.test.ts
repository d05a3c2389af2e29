// mountAll / unmountAll on real mounts: stacking, rollback on failure, idempotent unmount.
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountAll, unmountAll } from '../src/snapshots/mount.js';

const gate = requires('root', 'fs:overlay');

/** How many mounts are stacked on `target` right now (from /proc/self/mountinfo). */
function mountCount(target: string): number {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.split(' ')[4] === target).length;
}

describe.runIf(gate.ok)('mountAll / unmountAll', () => {
  let dir: string;
  let target: string;
  beforeEach(async () => {
    dir = await makeTempDir('mnt');
    target = join(dir, 'target');
    for (const d of ['a', 'b', 'target', 'upper', 'work']) await mkdir(join(dir, d));
    await writeFile(join(dir, 'a', 'from-a'), 'a');
    await writeFile(join(dir, 'b', 'from-b'), 'b');
  });
  afterEach(async () => {
    await unmountAll(target);
    await rm(dir, { recursive: true, force: true });
  });

  it('stacks mounts in order and unmountAll removes them all', async () => {
    await mountAll(
      [
        { type: 'bind', source: join(dir, 'a'), options: ['rbind', 'ro'] },
        { type: 'bind', source: join(dir, 'b'), options: ['rbind', 'rw'] },
      ],
      target,
    );
    expect(mountCount(target)).toBe(2);
    expect(readFileSync(join(target, 'from-b'), 'utf8')).toBe('b');
    await unmountAll(target);
    expect(mountCount(target)).toBe(0);
    await unmountAll(target); // nothing mounted: a no-op
  });

  it('rolls back the mounts already made when a later one fails', async () => {
    const err = await mountAll(
      [
        { type: 'bind', source: join(dir, 'a'), options: ['rbind'] },
        {
          type: 'overlay',
          source: 'overlay',
          options: [
            `lowerdir=${join(dir, 'missing')}`,
            `upperdir=${join(dir, 'upper')}`,
            `workdir=${join(dir, 'work')}`,
          ],
        },
      ],
      target,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_MOUNT_FAILED', message: expect.stringContaining('overlay') });
    expect(mountCount(target)).toBe(0);
  });

  it('refuses a bind mount without bind/rbind and an unknown type, mounting nothing', async () => {
    await expect(mountAll([{ type: 'bind', source: join(dir, 'a'), options: ['ro'] }], target)).rejects.toMatchObject({
      code: 'ERR_INVALID_MOUNT',
    });
    await expect(mountAll([{ type: 'tmpfs' as 'bind', source: 'tmpfs', options: [] }], target)).rejects.toMatchObject({
      code: 'ERR_INVALID_MOUNT',
    });
    expect(mountCount(target)).toBe(0);
  });

  it('mounts an overlay whose absolute options exceed a page through short relative names', async () => {
    // 200 lowerdirs under a long directory name: ~10 KiB absolute, well under a page relative.
    const deep = join(dir, 'x'.repeat(40));
    const lowers: string[] = [];
    for (let i = 0; i < 200; i++) {
      const l = join(deep, `${i}`);
      await mkdir(l, { recursive: true });
      if (i === 199) await writeFile(join(l, 'bottom'), 'deepest');
      lowers.push(l);
    }
    await mkdir(join(deep, 'upper'));
    await mkdir(join(deep, 'work'));
    const options = [
      `lowerdir=${lowers.join(':')}`,
      `upperdir=${join(deep, 'upper')}`,
      `workdir=${join(deep, 'work')}`,
    ];
    expect(options.join(',').length).toBeGreaterThan(4096);
    const cwd = process.cwd();
    await mountAll([{ type: 'overlay', source: 'overlay', options }], target);
    expect(process.cwd()).toBe(cwd);
    expect(readFileSync(join(target, 'bottom'), 'utf8')).toBe('deepest');
    await writeFile(join(target, 'written'), 'up');
    expect(readFileSync(join(deep, 'upper', 'written'), 'utf8')).toBe('up');
  });

  it('refuses options that do not fit even relative, before calling mount(2)', async () => {
    const lowers = Array.from({ length: 2000 }, (_, i) => join(dir, 'a', `${i}`));
    await expect(
      mountAll([{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lowers.join(':')}`] }], target),
    ).rejects.toMatchObject({ code: 'ERR_MOUNT_OPTIONS_TOO_LONG' });
    expect(mountCount(target)).toBe(0);
  });
});
