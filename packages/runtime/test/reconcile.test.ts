// reconcile() against a fake runtime: stray per-container files are removed, and a
// recorded clean-up plan never removes anything outside a cgroup mount.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runc, reconcile } from '../src/index.js';

const FAKE = join(import.meta.dirname, 'fixtures/fake-runc.mjs');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ctrkit-rt-rec-'));
});
afterEach(async () => {
  delete process.env.FAKE_RUNC_EMPTY;
  await rm(dir, { recursive: true, force: true });
});

describe('reconcile with a fake runtime', () => {
  it('reports what the runtime lists, touching nothing', async () => {
    const runc = new Runc({ binary: FAKE, root: join(dir, 'root') });
    expect(await reconcile(runc, { action: 'report' })).toEqual([
      { id: 'a', status: 'running', pid: 1, bundle: '/b', deleted: false },
    ]);
  });

  it('removes stray files of containers the runtime no longer knows, and only those', async () => {
    process.env.FAKE_RUNC_EMPTY = '1';
    const root = join(dir, 'root');
    await mkdir(root);
    const victim = join(dir, 'not-a-cgroup');
    await mkdir(victim);
    await writeFile(join(root, 'gone.pid'), '123');
    await writeFile(join(root, 'gone.log.json'), '');
    await writeFile(join(root, 'gone.exec-0a1b.json'), '{}');
    // A tampered plan pointing outside any cgroup mount must not be acted on.
    // (`..` through a cgroup mount back to an empty directory of ours must not work either.)
    await writeFile(
      join(root, 'gone.cgroups.json'),
      JSON.stringify([victim, `/sys/fs/cgroup/memory/../../..${victim}`]),
    );
    await writeFile(join(root, 'keep.txt'), 'not ours');
    await mkdir(join(root, 'otherdir'));
    const runc = new Runc({ binary: FAKE, root });
    expect(await reconcile(runc)).toEqual([]);
    expect((await readdir(root)).sort()).toEqual(['keep.txt', 'otherdir']);
    expect((await stat(victim)).isDirectory()).toBe(true);
  });

  it("a recorded private pid directory is removed with runc's temporary, but only one named for that id", async () => {
    process.env.FAKE_RUNC_EMPTY = '1';
    const root = join(dir, 'root');
    await mkdir(root);
    const pidDir = await mkdtemp('/dev/shm/ctrkit-pid-gone-');
    const other = await mkdtemp('/dev/shm/ctrkit-pid-other-');
    try {
      await writeFile(join(pidDir, 'gone.pid'), '123');
      await writeFile(join(pidDir, '.gone.pid'), '12');
      await writeFile(join(root, 'gone.cgroups.json'), JSON.stringify({ cgroups: [], pidDir }));
      await writeFile(join(root, 'other.cgroups.json'), JSON.stringify({ cgroups: [], pidDir: `${other}/..` }));
      await writeFile(join(root, 'third.cgroups.json'), JSON.stringify({ cgroups: [], pidDir: other }));
      await reconcile(new Runc({ binary: FAKE, root }));
      expect(existsSync(pidDir)).toBe(false);
      expect(existsSync(other)).toBe(true);
      expect(await readdir(root)).toEqual([]);
    } finally {
      await rm(pidDir, { recursive: true, force: true });
      await rm(other, { recursive: true, force: true });
    }
  });

  it('a plan kept in its /dev/shm pid directory is acted on for its own root only', async () => {
    process.env.FAKE_RUNC_EMPTY = '1';
    const root = join(dir, 'root');
    await mkdir(root);
    const mine = await mkdtemp('/dev/shm/ctrkit-pid-gone-');
    const theirs = await mkdtemp('/dev/shm/ctrkit-pid-elsewhere-');
    const victim = join(dir, 'not-a-cgroup');
    await mkdir(victim);
    try {
      await writeFile(join(mine, 'gone.pid'), '123');
      await writeFile(join(mine, 'plan.json'), JSON.stringify({ root, cgroups: [victim], pidDir: mine }));
      await writeFile(
        join(theirs, 'plan.json'),
        JSON.stringify({ root: join(dir, 'other-root'), cgroups: [], pidDir: theirs }),
      );
      await reconcile(new Runc({ binary: FAKE, root }));
      expect(existsSync(mine)).toBe(false);
      expect(existsSync(join(theirs, 'plan.json'))).toBe(true);
      expect((await stat(victim)).isDirectory()).toBe(true);
    } finally {
      await rm(mine, { recursive: true, force: true });
      await rm(theirs, { recursive: true, force: true });
    }
  });

  it('a filter limits what is touched', async () => {
    process.env.FAKE_RUNC_EMPTY = '1';
    const root = join(dir, 'root');
    await mkdir(root);
    await writeFile(join(root, 'mine-1.pid'), '1');
    await writeFile(join(root, 'theirs.pid'), '2');
    await reconcile(new Runc({ binary: FAKE, root }), { filter: (id) => id.startsWith('mine-') });
    expect(await readdir(root)).toEqual(['theirs.pid']);
  });
});
