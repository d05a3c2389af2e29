import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/snapshots/file-lock.js';
import { MetadataStore } from '../../src/snapshots/metadata-store.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('meta');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('MetadataStore', () => {
  it('starts empty and persists a transaction atomically', async () => {
    const store = new MetadataStore(dir);
    expect(await store.read()).toEqual({ version: 1, nextId: 1, snapshots: {} });
    await store.transaction((doc) => {
      doc.snapshots.a = { id: doc.nextId++, kind: 'Active', labels: {}, created: 'x', updated: 'x' };
    });
    const again = await new MetadataStore(dir).read();
    expect(again.nextId).toBe(2);
    expect(again.snapshots.a?.kind).toBe('Active');
    expect((await readdir(dir)).sort()).toEqual(['metadata.json']);
  });

  it('writes nothing when the transaction throws', async () => {
    const store = new MetadataStore(dir);
    await store.transaction((doc) => {
      doc.nextId = 5;
    });
    await expect(
      store.transaction((doc) => {
        doc.nextId = 99;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await store.read()).nextId).toBe(5);
  });

  it('serialises concurrent transactions of one process', async () => {
    const store = new MetadataStore(dir);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction(async (doc) => {
          const id = doc.nextId;
          await new Promise((r) => setTimeout(r, 1));
          doc.nextId = id + 1;
          doc.snapshots[`k${i}`] = { id, kind: 'Active', labels: {}, created: '', updated: '' };
        }),
      ),
    );
    const doc = await store.read();
    expect(doc.nextId).toBe(21);
    expect(new Set(Object.values(doc.snapshots).map((r) => r.id)).size).toBe(20);
  });

  it('reports a corrupt document with ERR_SNAPSHOT_STORE_CORRUPT', async () => {
    await writeFile(join(dir, 'metadata.json'), '{"version":1,');
    await expect(new MetadataStore(dir).read()).rejects.toMatchObject({ code: 'ERR_SNAPSHOT_STORE_CORRUPT' });
    await writeFile(join(dir, 'metadata.json'), '{"version":2,"nextId":1,"snapshots":{}}');
    await expect(new MetadataStore(dir).read()).rejects.toThrow(/version 2 is not 1/);
  });

  it('removes temp files a killed writer left, never those of a live writer', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => child.once('exit', r));
    const dead = `metadata.json.tmp-${child.pid}-abcd`;
    const live = `metadata.json.tmp-${process.pid}-abcd`;
    await writeFile(join(dir, dead), 'partial');
    await writeFile(join(dir, live), 'being written');
    expect(await new MetadataStore(dir).removeTempFiles()).toEqual([dead]);
    expect(await readdir(dir)).toEqual([live]);
  });
});

describe('file lock', () => {
  it('excludes a second holder until released', async () => {
    const path = join(dir, 'lock');
    const a = await acquireLock(path);
    let got = false;
    const b = acquireLock(path).then((l) => {
      got = true;
      return l;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toBe(false);
    await a.release();
    await (await b).release();
    expect(got).toBe(true);
  });

  it('times out with ERR_SNAPSHOT_STORE_LOCKED naming the holder', async () => {
    const path = join(dir, 'lock');
    const a = await acquireLock(path);
    await expect(acquireLock(path, { timeoutMs: 60 })).rejects.toMatchObject({
      code: 'ERR_SNAPSHOT_STORE_LOCKED',
      message: expect.stringContaining(String(process.pid)),
    });
    await a.release();
  });

  it('breaks the lock of a process that died holding it', async () => {
    const path = join(dir, 'lock');
    // A real process takes the lock the same way and is SIGKILLed while holding it.
    const child = spawn(process.execPath, [
      '-e',
      `const fs=require('fs');const st=fs.readFileSync('/proc/self/stat','utf8');` +
        `const start=st.slice(st.lastIndexOf(')')+2).split(' ')[19];` +
        `fs.writeFileSync(${JSON.stringify(path)}, process.pid+' '+start+' x\\n',{flag:'wx'});setInterval(()=>{},1000);`,
    ]);
    for (let i = 0; i < 200 && !(await readFile(path, 'utf8').catch(() => '')); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await readFile(path, 'utf8')).toContain(String(child.pid));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const l = await acquireLock(path, { timeoutMs: 2000 });
    expect(await readFile(path, 'utf8')).toContain(`${process.pid} `);
    await l.release();
  });

  it('honours an aborted signal', async () => {
    const path = join(dir, 'lock');
    const a = await acquireLock(path);
    await expect(acquireLock(path, { signal: AbortSignal.timeout(30) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    await a.release();
  });
});
