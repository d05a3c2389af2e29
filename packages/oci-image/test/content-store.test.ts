import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentStore, digestOf, writeBlob, writeBytes } from '../src/index.js';

let root: string;
let store: ContentStore;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ctrkit-cs-'));
  store = await ContentStore.open(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const text = (s: string) => Buffer.from(s);

describe('ContentStore ingest', () => {
  it('writes, commits into blobs/<alg>/<hex>, and reads back verified', async () => {
    const w = await store.writer('r1', { total: 11 });
    const st = await store.status('r1');
    expect(st).toMatchObject({ ref: 'r1', offset: 0, total: 11 });
    await w.write(text('hello '));
    await w.write(text('world'));
    expect(w.offset).toBe(11);
    const d = await w.commit({ size: 11, expected: digestOf('hello world'), labels: { a: 'b' } });
    expect(d).toBe(digestOf('hello world'));
    expect(await readFile(join(root, 'blobs', 'sha256', d.slice(7)), 'utf8')).toBe('hello world');
    expect(((await stat(store.blobPath(d))).mode & 0o777).toString(8)).toBe('444');
    expect(await readdir(join(root, 'ingest'))).toEqual([]);
    expect(await store.readBlob({ digest: d, size: 11 })).toEqual(text('hello world'));
    const info = await store.info(d);
    expect(info).toMatchObject({ digest: d, size: 11, labels: { a: 'b' } });
    const ra = await store.readerAt({ digest: d });
    expect((await ra.readAt(6, 100)).toString()).toBe('world');
    await ra.close();
  });

  it('keeps ingest metadata files as containerd does', async () => {
    const w = await store.writer('meta', { total: 3 });
    await w.write(text('abc'));
    await w.close();
    const [dir] = await readdir(join(root, 'ingest'));
    expect((await readdir(join(root, 'ingest', dir!))).sort()).toEqual([
      'data',
      'ref',
      'startedat',
      'total',
      'updatedat',
    ]);
    expect(dir).toBe(digestOf('meta').slice(7));
  });

  it('resumes at the offset without re-hashing in-process, and after a reopen', async () => {
    const w = await store.writer('res', { total: 6 });
    await w.write(text('abc'));
    await w.close();
    const w2 = await store.writer('res', { total: 6 });
    expect(w2.offset).toBe(3);
    await w2.write(text('def'));
    await w2.close();
    const reopened = await ContentStore.open(root);
    const w3 = await reopened.writer('res');
    expect(w3.offset).toBe(6);
    expect(w3.digest()).toBe(digestOf('abcdef'));
    expect(await w3.commit({ size: 6 })).toBe(digestOf('abcdef'));
  });

  it('H9: a wrong size or digest fails and keeps the ingest', async () => {
    const w = await store.writer('bad');
    await w.write(text('abc'));
    await expect(w.commit({ size: 4 })).rejects.toMatchObject({ code: 'ERR_SIZE_MISMATCH' });
    const w2 = await store.writer('bad');
    await expect(w2.commit({ expected: digestOf('abd') })).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' });
    expect((await store.status('bad')).offset).toBe(3);
    let n = 0;
    await store.walk(() => {
      n++;
    });
    expect(n).toBe(0);
  });

  it('H9: a commit of an existing blob is ERR_ALREADY_EXISTS and changes nothing', async () => {
    const d = digestOf('x');
    await writeBytes(store, text('x'), { digest: d, size: 1 }, { keep: 'me' });
    const before = await stat(store.blobPath(d));
    const w = await store.writer('again');
    await w.write(text('x'));
    await expect(w.commit()).rejects.toMatchObject({ code: 'ERR_ALREADY_EXISTS' });
    const after = await stat(store.blobPath(d));
    expect(after.ino).toBe(before.ino);
    expect((await store.info(d)).labels).toEqual({ keep: 'me' });
    await expect(store.writer('again2', { expected: d })).rejects.toMatchObject({ code: 'ERR_ALREADY_EXISTS' });
  });

  it('H9: a second writer on a locked ref fails with ERR_LOCKED', async () => {
    const w = await store.writer('lock');
    await expect(store.writer('lock')).rejects.toMatchObject({ code: 'ERR_LOCKED' });
    await expect(store.abort('lock')).rejects.toMatchObject({ code: 'ERR_LOCKED' });
    await w.close();
    const w2 = await store.writer('lock');
    await w2.close();
  });

  it('H9: a resume announcing another total fails', async () => {
    const w = await store.writer('tot', { total: 10 });
    await w.close();
    await expect(store.writer('tot', { total: 11 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('lists, filters and aborts ingests', async () => {
    for (const r of ['a-1', 'a-2', 'b-1']) await (await store.writer(r)).close();
    expect((await store.listStatuses()).map((s) => s.ref)).toEqual(['a-1', 'a-2', 'b-1']);
    expect((await store.listStatuses('ref~=^a-')).map((s) => s.ref)).toEqual(['a-1', 'a-2']);
    await store.abort('a-1');
    await expect(store.status('a-1')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(store.abort('a-1')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('truncate restarts the content', async () => {
    const w = await store.writer('t');
    await w.write(text('junk'));
    await w.truncate(0);
    await w.write(text('ok'));
    expect(await w.commit()).toBe(digestOf('ok'));
  });
});

describe('ContentStore manager', () => {
  it('updates labels by fieldpath, walks with filters, deletes', async () => {
    const a = digestOf('a');
    const b = digestOf('b');
    await writeBytes(store, text('a'), { digest: a, size: 1 }, { 'gc.root': 'x', keep: '1' });
    await writeBytes(store, text('b'), { digest: b, size: 1 });
    await store.update({ digest: a, labels: { keep: '2', extra: 'y' } }, ['labels.keep']);
    expect((await store.info(a)).labels).toEqual({ 'gc.root': 'x', keep: '2' });
    await store.update({ digest: b, labels: { n: 'v' } });
    const seen: string[] = [];
    await store.walk((i) => {
      seen.push(i.digest);
    }, 'labels."gc.root"');
    expect(seen).toEqual([a]);
    const all: string[] = [];
    await store.walk(
      (i) => {
        all.push(i.digest);
      },
      'labels.n==v',
      `digest==${a}`,
    );
    expect(all.sort()).toEqual([a, b].sort());
    await store.delete(a);
    await expect(store.info(a)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(store.delete(a)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('a read stream fails when the blob on disk was tampered with', async () => {
    const d = digestOf('good');
    await writeBytes(store, text('good'), { digest: d, size: 4 });
    const { chmod, writeFile } = await import('node:fs/promises');
    await chmod(store.blobPath(d), 0o644);
    await writeFile(store.blobPath(d), 'evil');
    await expect(store.readBlob({ digest: d })).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' });
  });

  it('writeBlob resumes from an offset-aware source', async () => {
    const body = Buffer.from('0123456789');
    const d = digestOf(body);
    const w = await store.writer('wb');
    await w.write(body.subarray(0, 4));
    await w.close();
    const offsets: number[] = [];
    const wrote = await writeBlob(
      store,
      (off) => {
        offsets.push(off);
        return [body.subarray(off)];
      },
      { digest: d, size: 10 },
      { ref: 'wb' },
    );
    expect(wrote).toBe(true);
    expect(offsets).toEqual([4]);
    expect(await writeBlob(store, [body], { digest: d, size: 10 })).toBe(false);
  });
});

describe('writeBlob limits', () => {
  it('stops a source that sends more than the descriptor size and keeps nothing', async () => {
    const d = digestOf('abc');
    const endless = (function* () {
      for (let i = 0; i < 10_000; i++) yield Buffer.alloc(4096, 1);
    })();
    await expect(writeBlob(store, endless, { digest: d, size: 3 })).rejects.toMatchObject({
      code: 'ERR_SIZE_MISMATCH',
    });
    expect(await store.listStatuses()).toEqual([]);
    expect(await store.has(d)).toBe(false);
  });
});
