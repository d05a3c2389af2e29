// Conformance cases that mount snapshots and check the files seen through them
// (containerd core/snapshots/testsuite: the layer and issue cases).
import assert from 'node:assert/strict';
import { chmod, chown, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConformanceCase } from './case.js';
import { put, snapshotTree } from './context.js';

export const fsCases: readonly ConformanceCase[] = [
  {
    name: 'Basic',
    async run({ sn, layer, withMounted }) {
      const first = async (d: string) => {
        await put(d, 'foo', 'foo\n');
        await put(d, 'a/b/c', 'c\n', 0o600);
        await mkdir(join(d, 'empty'), { mode: 0o700 });
      };
      await layer('committed', undefined, first);
      let expected: Record<string, string> = {};
      await withMounted(await sn.prepare('next', 'committed'), async (d) => {
        expected = await snapshotTree(d);
        assert.ok(expected['a/b/c']?.endsWith(' c\n'), 'the child sees the parent files');
        await put(d, 'bar', 'bar\n');
        await rm(join(d, 'foo'));
        expected = await snapshotTree(d);
      });
      await sn.commit('committed2', 'next');
      await withMounted(await sn.view('view', 'committed2'), async (d) => {
        assert.deepEqual(await snapshotTree(d), expected);
      });
      const view = await sn.stat('view');
      assert.equal(view.kind, 'View');
      assert.equal(view.parent, 'committed2');
      assert.equal((await sn.stat('committed2')).parent, 'committed');
      const usage = await sn.usage('committed2');
      assert.ok(usage.inodes >= 2 && usage.size > 0, `usage counts the layer: ${JSON.stringify(usage)}`);
    },
  },
  {
    name: 'Transitivity',
    async run({ sn, layer, withMounted }) {
      await layer('c1', undefined, (d) => put(d, 'foo', 'hello'));
      await layer('c2', 'c1', (d) => put(d, 'foo', 'hello world'));
      await withMounted(await sn.view('v', 'c2'), async (d) => {
        assert.equal(await readFile(join(d, 'foo'), 'utf8'), 'hello world');
      });
      await withMounted(await sn.view('v1', 'c1'), async (d) => {
        assert.equal(await readFile(join(d, 'foo'), 'utf8'), 'hello', 'the lower layer is unchanged');
      });
    },
  },
  {
    name: 'LayerFileUpdate',
    async run({ sn, layer, withMounted }) {
      await layer('l1', undefined, (d) => put(d, 'etc/hosts', 'mydomain 10.0.0.1', 0o644));
      await layer('l2', 'l1', async (d) => {
        await put(d, 'etc/hosts', 'mydomain 10.0.0.2', 0o666);
      });
      await layer('l3', 'l2', (d) => chmod(join(d, 'etc/hosts'), 0o600));
      await withMounted(await sn.view('v', 'l3'), async (d) => {
        assert.equal(await readFile(join(d, 'etc/hosts'), 'utf8'), 'mydomain 10.0.0.2');
        assert.equal((await stat(join(d, 'etc/hosts'))).mode & 0o777, 0o600);
      });
    },
  },
  {
    name: 'RemoveDirectoryInLowerLayer',
    async run({ sn, layer, withMounted }) {
      await layer('l1', undefined, async (d) => {
        await put(d, 'lib/a/b/f', 'x');
        await put(d, 'lib/keep', 'y');
      });
      await layer('l2', 'l1', (d) => rm(join(d, 'lib'), { recursive: true }));
      await layer('l3', 'l2', (d) => put(d, 'lib/new', 'z'));
      await withMounted(await sn.view('v', 'l3'), async (d) => {
        assert.deepEqual(await readdir(join(d, 'lib')), ['new']);
      });
    },
  },
  {
    name: 'Chown',
    async run({ sn, layer, withMounted }) {
      await layer('l1', undefined, async (d) => {
        await put(d, 'opt/f', 'x');
        await mkdir(join(d, 'var'), { mode: 0o755 });
      });
      await layer('l2', 'l1', async (d) => {
        await chown(join(d, 'opt'), 1, 2);
        await chown(join(d, 'opt/f'), 3, 4);
      });
      await withMounted(await sn.view('v', 'l2'), async (d) => {
        const dir = await lstat(join(d, 'opt'));
        const file = await lstat(join(d, 'opt/f'));
        assert.deepEqual([dir.uid, dir.gid, file.uid, file.gid], [1, 2, 3, 4]);
      });
    },
  },
  {
    name: 'DirectoryPermissionOnCommit',
    async run({ sn, layer, withMounted }) {
      await layer('l1', undefined, async (d) => {
        await mkdir(join(d, 'dir-1'), { mode: 0o700 });
        await mkdir(join(d, 'dir-2'), { mode: 0o700 });
        await chown(join(d, 'dir-2'), 1, 1);
        await chmod(join(d, 'dir-2'), 0o700);
      });
      await layer('l2', 'l1', async (d) => {
        await put(d, 'dir-1/f', 'x');
        await put(d, 'dir-2/f', 'y');
        await mkdir(join(d, 'dir-3'), { mode: 0o755 });
        await chmod(join(d, 'dir-3'), 0o711);
      });
      await withMounted(await sn.view('v', 'l2'), async (d) => {
        const t = await snapshotTree(d);
        assert.equal(t['dir-1/'], '700 0:0');
        assert.equal(t['dir-2/'], '700 1:1');
        assert.equal(t['dir-3/'], '711 0:0');
      });
    },
  },
  {
    name: 'DeletedFilesInChildSnapshot',
    async run({ sn, layer, withMounted }) {
      await layer('l1', undefined, async (d) => {
        await put(d, 'bin/sh', '#!');
        await put(d, 'bin/ls', 'ls');
      });
      await layer('l2', 'l1', (d) => rm(join(d, 'bin/ls')));
      await withMounted(await sn.view('v', 'l2'), async (d) => {
        assert.deepEqual(await readdir(join(d, 'bin')), ['sh']);
      });
    },
  },
  {
    name: 'MoveFileFromLowerLayer',
    async run({ sn, layer, withMounted }) {
      await layer('l1', undefined, async (d) => {
        await put(d, 'dir1/f1', 'one');
        await put(d, 'dir2/f2', 'two');
      });
      await layer('l2', 'l1', (d) => rename(join(d, 'dir1/f1'), join(d, 'dir2/f1')));
      await withMounted(await sn.view('v', 'l2'), async (d) => {
        assert.deepEqual(await readdir(join(d, 'dir1')), []);
        assert.deepEqual((await readdir(join(d, 'dir2'))).sort(), ['f1', 'f2']);
        assert.equal(await readFile(join(d, 'dir2/f1'), 'utf8'), 'one');
      });
    },
  },
  {
    name: 'ViewReadonly',
    async run({ sn, layer, withMounted }) {
      await layer('l1', undefined, (d) => put(d, 'f', 'x'));
      await layer('l2', 'l1', (d) => put(d, 'g', 'y'));
      for (const parent of ['l1', 'l2']) {
        await withMounted(await sn.view(`v-${parent}`, parent), async (d) => {
          await assert.rejects(writeFile(join(d, 'new'), 'z'), { code: 'EROFS' });
          await assert.rejects(rm(join(d, 'f')), { code: 'EROFS' });
        });
      }
    },
  },
  {
    name: 'RootPermission',
    async run({ sn, withMounted }) {
      await withMounted(await sn.prepare('a'), async (d) => {
        assert.equal((await stat(d)).mode & 0o7777, 0o755);
      });
    },
  },
  {
    name: '128LayersMount',
    timeoutMs: 180_000,
    async run({ sn, layer, withMounted }) {
      let parent: string | undefined;
      for (let i = 0; i < 128; i++) {
        const name = `layer-${i}`;
        await layer(name, parent, async (d) => {
          await put(d, `layers/${i}`, String(i));
          await put(d, 'top', String(i));
        });
        parent = name;
      }
      await withMounted(await sn.prepare('a', parent), async (d) => {
        const names = await readdir(join(d, 'layers'));
        assert.equal(names.length, 128);
        assert.equal(await readFile(join(d, 'top'), 'utf8'), '127');
        await put(d, 'written', 'ok');
      });
    },
  },
];
