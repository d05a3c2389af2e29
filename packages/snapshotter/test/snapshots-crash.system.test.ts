// Crash safety: a child process is SIGKILLed at random moments while it commits
// snapshots or unpacks an image. After each kill the store must reopen (the dead
// holder's lock is broken), no Committed snapshot may be partial, leftovers show up in
// walk() as Active, and cleanup() removes every directory no record refers to.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ContentStore } from '@ctrkit/oci-image';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Snapshotter } from '../src/snapshots/snapshotter.js';
import type { DriverName, SnapshotInfo } from '../src/snapshots/types.js';
import { unpackImage } from '../src/snapshots/unpack.js';
import { snapshotTree } from '../src/testsuite/context.js';
import { FILES } from './snapshots/crash-shared.js';
import { type BuiltImage, buildImage, storeImage } from './snapshots/image-fixture.js';

const CHILD = join(import.meta.dirname, 'snapshots', 'crash-child.ts');
const gate = requires('root', 'fs:overlay');

/** Starts the child, waits for "ready", kills it after `delayMs`; resolves when it is gone. */
async function runAndKill(args: string[], delayMs: number): Promise<{ finished: boolean }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@ctrkit/source', '--import', 'tsx', CHILD, ...args],
    {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready\n')) resolve();
    });
    exited.then(() => reject(new Error(`crash child exited before ready: ${err}`)));
  });
  await new Promise((r) => setTimeout(r, delayMs));
  const finished = out.includes('unpacked ');
  child.kill('SIGKILL');
  const code = await exited;
  if (code !== null && code !== 0) throw new Error(`crash child failed by itself (${code}): ${err}`);
  return { finished };
}

async function walkAll(sn: Snapshotter): Promise<SnapshotInfo[]> {
  const out: SnapshotInfo[] = [];
  for await (const i of sn.walk()) out.push(i);
  return out;
}

/** Reads the store's record ids (white-box: to look at each snapshot's own directory). */
async function ids(root: string): Promise<Record<string, number>> {
  const doc = JSON.parse(await readFile(join(root, 'metadata.json'), 'utf8').catch(() => '{"snapshots":{}}'));
  return Object.fromEntries(Object.entries(doc.snapshots).map(([k, r]) => [k, (r as { id: number }).id]));
}

async function expectNoOrphans(sn: Snapshotter): Promise<void> {
  await sn.cleanup();
  const referenced = new Set(Object.values(await ids(sn.root)).map(String));
  expect((await readdir(join(sn.root, 'snapshots'))).filter((d) => !referenced.has(d))).toEqual([]);
}

const random = (max: number) => Math.floor(Math.random() * max);

for (const [driver, rounds] of [
  ['overlayfs', 30],
  ['native', 20],
] as [DriverName, number][]) {
  describe.runIf(gate.ok)(`crash during commit (${driver})`, () => {
    let dir: string;
    beforeAll(async () => {
      dir = await makeTempDir('crash');
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it(`survives ${rounds} SIGKILLs with no partial Committed snapshot`, { timeout: 300_000 }, async () => {
      const root = join(dir, 'store');
      let committed = 0;
      for (let round = 0; round < rounds; round++) {
        await runAndKill(['commit', root, driver], random(120));
        const sn = await Snapshotter.open(root, { driver });
        const infos = await walkAll(sn);
        const idOf = await ids(root);
        for (const info of infos) {
          if (info.parent !== undefined) expect(infos.find((p) => p.name === info.parent)?.kind).toBe('Committed');
          if (info.kind !== 'Committed') {
            expect(info.kind).toBe('Active'); // a leftover of the kill, reported as such
            continue;
          }
          const fs = join(root, 'snapshots', String(idOf[info.name]), 'fs');
          const names = (await readdir(fs)).sort();
          expect(names).toEqual(Array.from({ length: FILES }, (_, f) => `f${f}`).sort());
          for (let f = 0; f < FILES; f++) {
            expect(await readFile(join(fs, `f${f}`), 'utf8')).toBe(`${info.name}:${f}\n`.repeat(200));
          }
        }
        committed = infos.filter((i) => i.kind === 'Committed').length;
        await expectNoOrphans(sn);
        // The store stays usable after the kill: the dead holder's lock does not block.
        await sn.prepare(`probe-${round}`);
        await sn.remove(`probe-${round}`);
        await sn.close();
      }
      expect(committed).toBeGreaterThan(0);
    });
  });
}

for (const [driver, rounds] of [
  ['overlayfs', 10],
  ['native', 6],
] as [DriverName, number][]) {
  describe.runIf(gate.ok)(`crash during unpackImage (${driver})`, () => {
    let dir: string;
    let img: BuiltImage;
    let reference: Record<string, Record<string, string>>;
    beforeAll(async () => {
      dir = await makeTempDir('crashu');
      const files = Object.fromEntries(
        Array.from({ length: 300 }, (_, i) => [`d${i % 10}/f${i}`, `${i}\n`.repeat(50)]),
      );
      img = await buildImage(join(dir, 'img'), [files, { 'd1/.wh.f1': '', 'new/x': 'x' }, { 'd2/.wh..wh..opq': '' }]);
      const store = await ContentStore.open(join(dir, 'content'));
      await storeImage(store, img);
      const sn = await Snapshotter.open(join(dir, 'reference'), { driver });
      await unpackImage(img.manifest, { contentStore: store, snapshotter: sn });
      reference = await layerTrees(sn);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    async function layerTrees(sn: Snapshotter): Promise<Record<string, Record<string, string>>> {
      const idOf = await ids(sn.root);
      const out: Record<string, Record<string, string>> = {};
      for (const info of await walkAll(sn)) {
        if (info.kind === 'Committed')
          out[info.name] = await snapshotTree(join(sn.root, 'snapshots', String(idOf[info.name]), 'fs'));
      }
      return out;
    }

    it(`survives ${rounds} SIGKILLs: committed layers are complete, a rerun finishes`, {
      timeout: 300_000,
    }, async () => {
      const store = await ContentStore.open(join(dir, 'content'));
      for (let round = 0; round < rounds; round++) {
        const root = join(dir, `store-${round}`);
        await mkdir(root);
        await runAndKill(['unpack', root, driver, join(dir, 'content'), JSON.stringify(img.manifest)], random(400));
        const sn = await Snapshotter.open(root, { driver });
        const trees = await layerTrees(sn);
        for (const [name, tree] of Object.entries(trees)) expect(tree).toEqual(reference[name]);
        for (const info of await walkAll(sn)) expect(['Active', 'Committed']).toContain(info.kind);
        // A new unpack takes over the dead child's extraction and completes the image.
        const res = await unpackImage(img.manifest, { contentStore: store, snapshotter: sn });
        expect(await layerTrees(sn)).toEqual(reference);
        expect(res.layers.length).toBe(3);
        expect((await walkAll(sn)).every((i) => i.kind === 'Committed')).toBe(true);
        await expectNoOrphans(sn);
      }
    });
  });
}
