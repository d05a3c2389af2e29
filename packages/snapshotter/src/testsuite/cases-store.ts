// Conformance cases about the metadata model (containerd core/snapshots/testsuite).
import assert from 'node:assert/strict';
import type { ConformanceCase } from './case.js';
import { put, rejectsWith } from './context.js';

export const storeCases: readonly ConformanceCase[] = [
  {
    name: 'StatActive',
    async run({ sn, withMounted }) {
      await withMounted(await sn.prepare('active', undefined, { labels: { a: '1' } }), (d) => put(d, 'foo', 'x'));
      const info = await sn.stat('active');
      assert.equal(info.kind, 'Active');
      assert.equal(info.name, 'active');
      assert.equal(info.parent, undefined);
      assert.deepEqual(info.labels, { a: '1' });
    },
  },
  {
    name: 'StatCommitted',
    async run({ sn, layer }) {
      await layer('committed', undefined, (d) => put(d, 'foo', 'x'));
      const info = await sn.stat('committed');
      assert.equal(info.kind, 'Committed');
      assert.equal(info.name, 'committed');
      assert.equal(info.parent, undefined);
      await rejectsWith(() => sn.stat('committed-active'), 'ERR_SNAPSHOT_NOT_FOUND');
      // The committed snapshot carries the labels given to commit (containerd's CommitActive).
      await sn.prepare('labelled-active', 'committed', { labels: { during: 'prepare' } });
      await sn.commit('labelled', 'labelled-active', { labels: { after: 'commit' } });
      const labelled = await sn.stat('labelled');
      assert.deepEqual(labelled.labels, { after: 'commit' });
      assert.equal(labelled.parent, 'committed');
    },
  },
  {
    name: 'PrepareView',
    async run({ sn, layer }) {
      await layer('base', undefined, (d) => put(d, 'foo', 'x'));
      await sn.prepare('k1', 'base');
      await rejectsWith(() => sn.prepare('k1', 'base'), 'ERR_SNAPSHOT_EXISTS');
      await rejectsWith(() => sn.view('k1', 'base'), 'ERR_SNAPSHOT_EXISTS');
      await sn.view('v1', 'base');
      await rejectsWith(() => sn.view('v1', 'base'), 'ERR_SNAPSHOT_EXISTS');
      await rejectsWith(() => sn.prepare('v1', 'base'), 'ERR_SNAPSHOT_EXISTS');
      await rejectsWith(() => sn.prepare('k2', 'k1'), 'ERR_SNAPSHOT_PARENT_NOT_COMMITTED');
      await rejectsWith(() => sn.view('v2', 'v1'), 'ERR_SNAPSHOT_PARENT_NOT_COMMITTED');
      await rejectsWith(() => sn.prepare('k3', 'missing'), 'ERR_SNAPSHOT_NOT_FOUND');
      await rejectsWith(() => sn.commit('c1', 'v1'), 'ERR_SNAPSHOT_WRONG_KIND');
      await rejectsWith(() => sn.commit('base', 'k1'), 'ERR_SNAPSHOT_EXISTS');
      await rejectsWith(() => sn.mounts('base'), 'ERR_SNAPSHOT_WRONG_KIND');
      assert.equal((await sn.stat('v1')).kind, 'View');
      assert.equal((await sn.stat('k1')).parent, 'base');
    },
  },
  {
    name: 'Update',
    async run({ sn }) {
      await sn.prepare('u', undefined, { labels: { keep: 'a', drop: 'b' } });
      const before = await sn.stat('u');
      await new Promise((r) => setTimeout(r, 5));
      const replaced = await sn.update('u', { labels: { only: 'c' } });
      assert.deepEqual(replaced.labels, { only: 'c' });
      assert.ok(replaced.updated.getTime() > before.updated.getTime(), 'updated time moves forward');
      assert.equal(replaced.created.getTime(), before.created.getTime(), 'created time is kept');
      await sn.update('u', { labels: { x: '1', only: 'ignored' } }, ['labels.x']);
      assert.deepEqual((await sn.stat('u')).labels, { only: 'c', x: '1' });
      await sn.update('u', { labels: {} }, ['labels.only']);
      assert.deepEqual((await sn.stat('u')).labels, { x: '1' });
      await rejectsWith(() => sn.update('u', { labels: {} }, ['kind']), 'ERR_SNAPSHOT_INVALID_OPTION');
      await rejectsWith(() => sn.update('nope', { labels: {} }), 'ERR_SNAPSHOT_NOT_FOUND');
      await rejectsWith(() => sn.update('u', { labels: { k: 'v'.repeat(5000) } }), 'ERR_SNAPSHOT_INVALID_LABELS');
    },
  },
  {
    name: 'Remove',
    async run({ sn, layer }) {
      await sn.prepare('a');
      await sn.remove('a');
      await rejectsWith(() => sn.stat('a'), 'ERR_SNAPSHOT_NOT_FOUND');
      await layer('c', undefined, (d) => put(d, 'f', 'x'));
      await sn.view('v', 'c');
      await sn.remove('v');
      await sn.remove('c');
      await rejectsWith(() => sn.remove('c'), 'ERR_SNAPSHOT_NOT_FOUND');
      const left = [];
      for await (const i of sn.walk()) left.push(i.name);
      assert.deepEqual(left, []);
    },
  },
  {
    name: 'RemoveIntermediateSnapshot',
    async run({ sn, layer }) {
      await layer('base', undefined, (d) => put(d, 'a', '1'));
      await layer('mid', 'base', (d) => put(d, 'b', '2'));
      await sn.prepare('top', 'mid');
      await rejectsWith(() => sn.remove('base'), 'ERR_SNAPSHOT_HAS_CHILDREN');
      await rejectsWith(() => sn.remove('mid'), 'ERR_SNAPSHOT_HAS_CHILDREN');
      await sn.remove('top');
      await sn.remove('mid');
      await sn.remove('base');
    },
  },
  {
    name: 'Walk',
    async run({ sn, layer }) {
      await layer('c1', undefined, (d) => put(d, 'a', '1'));
      await sn.prepare('a1', 'c1', { labels: { team: 'x', tier: '1' } });
      await sn.prepare('a2', undefined, { labels: { team: 'y' } });
      await sn.view('v1', 'c1', { labels: { team: 'x' } });
      const names = async (f?: Parameters<typeof sn.walk>[0]) => {
        const out: string[] = [];
        for await (const i of sn.walk(f)) out.push(i.name);
        return out;
      };
      assert.deepEqual(await names(), ['a1', 'a2', 'c1', 'v1']);
      assert.deepEqual(await names({ kind: 'Active' }), ['a1', 'a2']);
      assert.deepEqual(await names({ kind: ['View', 'Committed'] }), ['c1', 'v1']);
      assert.deepEqual(await names({ labels: { team: 'x' } }), ['a1', 'v1']);
      assert.deepEqual(await names({ labels: { tier: true } }), ['a1']);
      assert.deepEqual(await names({ parent: 'c1' }), ['a1', 'v1']);
      assert.deepEqual(await names({ parent: null }), ['a2', 'c1']);
      assert.deepEqual(await names({ name: /^a/, labels: { team: 'y' } }), ['a2']);
      assert.deepEqual(await names((i) => i.name.endsWith('1')), ['a1', 'c1', 'v1']);
    },
  },
  {
    name: 'StatInWalk',
    async run({ sn, layer }) {
      await layer('c1', undefined, (d) => put(d, 'a', '1'));
      await layer('c2', 'c1', (d) => put(d, 'b', '2'));
      await sn.prepare('a', 'c2', { labels: { l: 'v' } });
      await sn.view('v', 'c1');
      let n = 0;
      for await (const info of sn.walk()) {
        assert.deepEqual(await sn.stat(info.name), info);
        n += 1;
      }
      assert.equal(n, 4);
    },
  },
  {
    name: 'CloseTwice',
    async run({ sn }) {
      await sn.prepare('a');
      await sn.close();
      await sn.close();
      await rejectsWith(() => sn.stat('a'), 'ERR_SNAPSHOT_STORE_CLOSED');
    },
  },
  {
    name: 'Reopen',
    async run({ sn, layer, reopen }) {
      await layer('c', undefined, (d) => put(d, 'a', '1'));
      await sn.prepare('a', 'c', { labels: { x: 'y' } });
      const again = await reopen();
      assert.deepEqual(await again.stat('a'), await sn.stat('a'));
      assert.deepEqual(await again.mounts('a'), await sn.mounts('a'));
    },
  },
];
