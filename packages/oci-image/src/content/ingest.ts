// Opening and resuming ingests, and reading their status from ingest/<sha256(ref)>/.
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDigester, type Digest, type DigestAlgorithm, digestAlgorithm, parseDigest } from '../digest.js';
import { OciImageError } from '../errors.js';
import { acquireLock, releaseLock } from './lock.js';
import type { ContentWriter, IngestStatus, WriterOptions } from './types.js';
import { IngestWriter, type WriterHost } from './writer.js';

/** What the ingest functions need from the store. */
export interface IngestHost extends WriterHost {
  ingestDir(ref: string): string;
  has(digest: Digest): Promise<boolean>;
  readonly suspended: Map<string, { offset: number; hash: Hash }>;
}

export async function openWriter(store: IngestHost, ref: string, options: WriterOptions): Promise<ContentWriter> {
  if (typeof ref !== 'string' || ref === '')
    throw new OciImageError('ERR_INVALID_ARGUMENT', 'an ingest ref must be a non-empty string');
  if (options.expected !== undefined) parseDigest(options.expected, 'expected');
  const dir = store.ingestDir(ref);
  await mkdir(dir, { recursive: true });
  const lockPath = join(dir, 'lock');
  await acquireLock(lockPath, ref);
  try {
    if (options.expected !== undefined && (await store.has(options.expected))) {
      // An ingest left by a process killed between commit's link and its cleanup holds
      // nothing the store lacks: drop it (we hold its lock).
      await unlink(join(dir, 'data')).catch(() => {});
      await releaseLock(lockPath);
      await rm(dir, { recursive: true, force: true });
      throw new OciImageError('ERR_ALREADY_EXISTS', `blob ${options.expected} is already in the store`);
    }
    const storedRef = await readFile(join(dir, 'ref'), 'utf8').catch(() => undefined);
    const dataPath = join(dir, 'data');
    const existing = storedRef === ref ? await stat(dataPath).catch(() => undefined) : undefined;
    const alg: DigestAlgorithm = options.expected ? digestAlgorithm(options.expected) : 'sha256';
    if (!existing) {
      // A fresh ingest (or one a crash left without its ref file): start from zero.
      await writeFile(join(dir, 'ref'), ref);
      await writeFile(join(dir, 'startedat'), new Date().toISOString());
      await writeFile(join(dir, 'total'), String(options.total ?? 0));
      const fh = await open(dataPath, 'w+', 0o644);
      store.suspended.delete(ref);
      return new IngestWriter(store, ref, dir, fh, 0, createDigester(alg), options.expected);
    }
    const total = Number(await readFile(join(dir, 'total'), 'utf8').catch(() => '0')) || 0;
    if (options.total !== undefined && total !== 0 && options.total !== total) {
      throw new OciImageError(
        'ERR_INVALID_ARGUMENT',
        `ingest ${JSON.stringify(ref)} was started with total ${total}, not ${options.total}; abort it to start over`,
      );
    }
    if (options.total !== undefined && total === 0) await writeFile(join(dir, 'total'), String(options.total));
    const fh = await open(dataPath, 'r+');
    const offset = existing.size;
    const kept = store.suspended.get(ref);
    store.suspended.delete(ref);
    // The hash state survives only inside this process; after a restart the data is
    // re-hashed once (node:crypto cannot export a midstate).
    const hash = kept && kept.offset === offset && alg === 'sha256' ? kept.hash : await rehash(dataPath, alg);
    return new IngestWriter(store, ref, dir, fh, offset, hash, options.expected);
  } catch (err) {
    await releaseLock(lockPath);
    throw err;
  }
}

export async function ingestStatusOf(dir: string): Promise<IngestStatus | undefined> {
  const ref = await readFile(join(dir, 'ref'), 'utf8').catch(() => undefined);
  const st = await stat(join(dir, 'data')).catch(() => undefined);
  if (ref === undefined || !st) return undefined;
  const read = (f: string) => readFile(join(dir, f), 'utf8').catch(() => undefined);
  const started = await read('startedat');
  const updated = await read('updatedat');
  const updatedAt = updated && new Date(updated) > st.mtime ? new Date(updated) : st.mtime;
  return {
    ref,
    offset: st.size,
    total: Number(await read('total')) || 0,
    startedAt: started ? new Date(started) : st.birthtime,
    updatedAt,
  };
}

async function rehash(path: string, alg: DigestAlgorithm): Promise<Hash> {
  const h = createDigester(alg);
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(c as Buffer);
  return h;
}
