// The store without mounts: what works unprivileged (metadata, staging, cleanup, options).
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { makeTempDir } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Snapshotter } from '../../src/snapshots/snapshotter.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('sn');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = (driver: 'native' | 'overlayfs' = 'native', root = join(dir, 'store')) =>
  Snapshotter.open(root, { driver, sync: false });

describe('Snapshotter.open', () => {
  it('refuses bad options with ERR_SNAPSHOT_INVALID_OPTION', async () => {
    await expect(Snapshotter.open('relative/dir', { driver: 'native' })).rejects.toMatchObject({
      code: 'ERR_SNAPSHOT_INVALID_OPTION',
    });
    await expect(Snapshotter.open(join(dir, 'x'), { driver: 'zfs' as 'native' })).rejects.toThrow(
      /'overlayfs' or 'native'/,
    );
    await expect(open('overlayfs', join(dir, 'a:b'))).rejects.toThrow(/overlayfs options cannot carry/);
  });

  it('refuses a corrupt metadata document at open', async () => {
    await mkdir(join(dir, 'store'));
    await writeFile(join(dir, 'store', 'metadata.json'), 'not json');
    await expect(open()).rejects.toMatchObject({ code: 'ERR_SNAPSHOT_STORE_CORRUPT' });
  });

  it('prints its root and driver in the REPL', async () => {
    const sn = await open('overlayfs');
    expect(inspect(sn)).toBe(`Snapshotter { root: ${JSON.stringify(join(dir, 'store'))}, driver: 'overlayfs' }`);
    await sn.close();
    expect(inspect(sn)).toContain('closed');
  });
});

describe('store layout and life cycle', () => {
  it('gives each snapshot a numeric directory and the overlay driver a short link', async () => {
    const sn = await open('overlayfs');
    const [m] = await sn.prepare('a');
    expect(m).toEqual({ type: 'bind', source: join(sn.root, 'snapshots', '1', 'fs'), options: ['rbind', 'rw'] });
    await writeFile(join(m!.source, 'f'), 'x');
    await sn.commit('c', 'a');
    const [o] = await sn.prepare('b', 'c');
    expect(o?.type).toBe('overlay');
    expect(o?.options).toContain(`lowerdir=${join(sn.root, 'l', '1')}`);
    expect(await readFile(join(sn.root, 'l', '1', 'f'), 'utf8')).toBe('x');
    expect((await sn.usage('c')).inodes).toBe(2);
  });

  it('the native driver copies the parent at prepare', async () => {
    const sn = await open('native');
    const [m] = await sn.prepare('a');
    await mkdir(join(m!.source, 'd'));
    await writeFile(join(m!.source, 'd', 'f'), 'parent');
    await sn.commit('c', 'a');
    const [child] = await sn.prepare('b', 'c');
    expect(await readFile(join(child!.source, 'd', 'f'), 'utf8')).toBe('parent');
    await writeFile(join(child!.source, 'd', 'f'), 'child');
    expect(await readFile(join(m!.source, 'd', 'f'), 'utf8')).toBe('parent');
  });

  it('keeps records across reopen; ids are never reused after remove', async () => {
    const sn = await open();
    await sn.prepare('a', undefined, { labels: { x: '1' } });
    await sn.remove('a');
    const [m] = await sn.prepare('b');
    expect(m?.source).toBe(join(sn.root, 'snapshots', '2', 'fs'));
    const again = await open();
    expect(await again.stat('b')).toMatchObject({ kind: 'Active', name: 'b', labels: {} });
    expect(await readdir(join(sn.root, 'snapshots'))).toEqual(['2']);
  });

  it('cleanup() removes what a crash left: staging dirs, orphans of unrecorded ids, dead links', async () => {
    const sn = await open('overlayfs');
    await sn.prepare('keep');
    await mkdir(join(sn.root, 'snapshots', 'new-abc', 'fs'), { recursive: true });
    await mkdir(join(sn.root, 'snapshots', '77', 'fs'), { recursive: true });
    await writeFile(join(sn.root, 'l', 'zz'), '');
    const report = await sn.cleanup();
    expect([...report.directories].sort()).toEqual(['77', 'new-abc']);
    expect(report.links).toEqual(['zz']);
    expect(await readdir(join(sn.root, 'snapshots'))).toEqual(['1']);
  });

  it('an orphan directory at the next id (crash before the record) is replaced, not merged', async () => {
    const sn = await open();
    await mkdir(join(sn.root, 'snapshots', '1', 'fs'), { recursive: true });
    await writeFile(join(sn.root, 'snapshots', '1', 'fs', 'stale'), 'x');
    const [m] = await sn.prepare('a');
    expect(await readdir(m!.source)).toEqual([]);
  });

  it('a failed prepare leaves no record and no directory', async () => {
    const sn = await open();
    await expect(sn.prepare('a', 'missing')).rejects.toMatchObject({ code: 'ERR_SNAPSHOT_NOT_FOUND' });
    await expect(sn.prepare('', undefined)).rejects.toMatchObject({ code: 'ERR_SNAPSHOT_INVALID_KEY' });
    await expect(sn.prepare('b', undefined, { labels: { a: 1 as unknown as string } })).rejects.toMatchObject({
      code: 'ERR_SNAPSHOT_INVALID_LABELS',
    });
    expect(await readdir(join(sn.root, 'snapshots'))).toEqual([]);
    const all = [];
    for await (const i of sn.walk()) all.push(i);
    expect(all).toEqual([]);
  });
});
