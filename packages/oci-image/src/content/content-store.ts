// A content store over a directory, with containerd's local-store layout:
//   blobs/<alg>/<hex>                    committed, read-only blobs
//   ingest/<sha256(ref)>/{ref,data,startedat,updatedat,total,lock}
//   labels/<alg>/<hex>.json              labels and times (written by rename, so atomic)
// A process killed at any point leaves only complete blobs under blobs/ (see writer.ts).

import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { type Digest, digestAlgorithm, digestHex, digestOf, isDigest, parseDigest, verifyDigest } from '../digest.js';
import { OciImageError } from '../errors.js';
import type { Descriptor } from '../types.js';
import { compileFilters } from './filters.js';
import { type IngestHost, ingestStatusOf, openWriter } from './ingest.js';
import { acquireLock, isHeldHere, releaseLock } from './lock.js';
import type {
  ContentInfo,
  ContentWriter,
  Filter,
  Ingester,
  IngestManager,
  IngestStatus,
  Manager,
  Provider,
  ReaderAt,
  WriterOptions,
} from './types.js';
import { type BlobSource, type WriteBlobOptions, writeBlob } from './write-blob.js';
import type { WriterHost } from './writer.js';

interface Meta {
  labels: Record<string, string>;
  createdAt?: string;
  updatedAt?: string;
}

/** A digest-addressed blob store in a directory, safe across processes. */
export class ContentStore implements Manager, Provider, IngestManager, Ingester, WriterHost, IngestHost {
  readonly root: string;
  /** Hash states of closed writers, by ref, so an in-process resume need not re-hash. */
  readonly suspended = new Map<string, { offset: number; hash: Hash }>();

  private constructor(root: string) {
    this.root = root;
  }

  /** Opens (creating if needed) the store at `root`. */
  static async open(root: string): Promise<ContentStore> {
    await mkdir(join(root, 'blobs'), { recursive: true });
    await mkdir(join(root, 'ingest'), { recursive: true });
    return new ContentStore(root);
  }

  blobPath(digest: Digest): string {
    return join(this.root, 'blobs', digestAlgorithm(digest), digestHex(digest));
  }

  #metaPath(digest: Digest): string {
    return join(this.root, 'labels', digestAlgorithm(digest), `${digestHex(digest)}.json`);
  }

  ingestDir(ref: string): string {
    return join(this.root, 'ingest', digestHex(digestOf(ref)));
  }

  // ---- Manager

  async info(digest: Digest): Promise<ContentInfo> {
    parseDigest(digest);
    const st = await stat(this.blobPath(digest)).catch((err) => {
      throw notFound(digest, err);
    });
    const meta = await this.#readMeta(digest);
    return {
      digest,
      size: st.size,
      createdAt: meta.createdAt ? new Date(meta.createdAt) : st.mtime,
      updatedAt: meta.updatedAt ? new Date(meta.updatedAt) : st.mtime,
      labels: meta.labels,
    };
  }

  /** True when the blob is committed. */
  async has(digest: Digest): Promise<boolean> {
    return stat(this.blobPath(digest)).then(
      () => true,
      () => false,
    );
  }

  async update(info: Pick<ContentInfo, 'digest' | 'labels'>, fieldpaths?: readonly string[]): Promise<ContentInfo> {
    const current = await this.info(info.digest);
    let labels: Record<string, string> = { ...current.labels };
    if (!fieldpaths || fieldpaths.length === 0 || fieldpaths.includes('labels')) {
      labels = { ...info.labels };
    } else {
      for (const p of fieldpaths) {
        if (!p.startsWith('labels.'))
          throw new OciImageError(
            'ERR_INVALID_ARGUMENT',
            `cannot update field ${JSON.stringify(p)}; only labels and labels.<key>`,
          );
        const k = p.slice(7);
        const v = info.labels[k];
        if (v === undefined) delete labels[k];
        else labels[k] = v;
      }
    }
    for (const [k, v] of Object.entries(labels)) if (v === '') delete labels[k];
    await this.writeMeta(info.digest, labels, current.createdAt);
    return this.info(info.digest);
  }

  async writeMeta(digest: Digest, labels: Readonly<Record<string, string>>, createdAt?: Date): Promise<void> {
    const path = this.#metaPath(digest);
    await mkdir(join(path, '..'), { recursive: true });
    const now = new Date().toISOString();
    const meta: Meta = { labels: { ...labels }, createdAt: createdAt?.toISOString() ?? now, updatedAt: now };
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(tmp, JSON.stringify(meta));
    await rename(tmp, path);
  }

  async #readMeta(digest: Digest): Promise<Meta> {
    try {
      const m = JSON.parse(await readFile(this.#metaPath(digest), 'utf8')) as Meta;
      return { ...m, labels: m.labels ?? {} };
    } catch {
      return { labels: {} };
    }
  }

  async walk(fn: (info: ContentInfo) => void | Promise<void>, ...filters: Filter[]): Promise<void> {
    const match = compileFilters(filters);
    for (const alg of await readdir(join(this.root, 'blobs')).catch(() => [] as string[])) {
      for (const hex of await readdir(join(this.root, 'blobs', alg)).catch(() => [] as string[])) {
        const d = `${alg}:${hex}`;
        if (!isDigest(d)) continue;
        let info: ContentInfo;
        try {
          info = await this.info(d);
        } catch {
          continue; // deleted while walking
        }
        const ok = match((f) =>
          f === 'digest'
            ? info.digest
            : f.startsWith('labels.')
              ? info.labels[f.slice(7)]
              : f === 'size'
                ? String(info.size)
                : undefined,
        );
        if (ok) await fn(info);
      }
    }
  }

  async delete(digest: Digest): Promise<void> {
    parseDigest(digest);
    await unlink(this.blobPath(digest)).catch((err) => {
      throw notFound(digest, err);
    });
    await unlink(this.#metaPath(digest)).catch(() => {});
  }

  // ---- Provider

  async readerAt(desc: { digest: Digest }): Promise<ReaderAt> {
    const fh = await open(this.blobPath(parseDigest(desc.digest)), 'r').catch((err) => {
      throw notFound(desc.digest, err);
    });
    const { size } = await fh.stat();
    return {
      size,
      async readAt(position, length) {
        const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)));
        let done = 0;
        while (done < buf.length) {
          const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return buf.subarray(0, done);
      },
      close: () => fh.close(),
    };
  }

  async createReadStream(desc: { digest: Digest; size?: number }): Promise<Readable> {
    const path = this.blobPath(parseDigest(desc.digest));
    await stat(path).catch((err) => {
      throw notFound(desc.digest, err);
    });
    const verify = verifyDigest(desc, `blob ${desc.digest}`);
    const src = createReadStream(path, { highWaterMark: 1 << 20 });
    src.on('error', (err) => verify.destroy(err));
    return src.pipe(verify);
  }

  /** The whole blob in memory, verified (for manifests and configs). */
  async readBlob(desc: { digest: Digest; size?: number }): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of await this.createReadStream(desc)) parts.push(c as Buffer);
    return Buffer.concat(parts);
  }

  /** BlobReader: the blob's bytes from `offset` (verified only when read from 0 to the end). */
  async fetch(desc: { digest: Digest; size?: number }, offset = 0): Promise<AsyncIterable<Uint8Array>> {
    if (offset === 0) return this.createReadStream(desc);
    const path = this.blobPath(parseDigest(desc.digest));
    await stat(path).catch((err) => {
      throw notFound(desc.digest, err);
    });
    return createReadStream(path, { start: offset, highWaterMark: 1 << 20 });
  }

  /** BlobWriter: stores `source` as `desc` (see writeBlob); false when already present. */
  put(desc: Descriptor, source: BlobSource, options: Omit<WriteBlobOptions, 'ref'> = {}): Promise<boolean> {
    return writeBlob(this, source, desc, options);
  }

  // ---- Ingester

  async writer(ref: string, options: WriterOptions = {}): Promise<ContentWriter> {
    return openWriter(this, ref, options);
  }

  suspend(ref: string, offset: number, hash: Hash): void {
    this.suspended.set(ref, { offset, hash });
  }

  // ---- IngestManager

  async status(ref: string): Promise<IngestStatus> {
    const s = await ingestStatusOf(this.ingestDir(ref));
    if (!s || s.ref !== ref) throw new OciImageError('ERR_NOT_FOUND', `no ingest for ref ${JSON.stringify(ref)}`);
    return s;
  }

  async listStatuses(...filters: Filter[]): Promise<IngestStatus[]> {
    const match = compileFilters(filters);
    const out: IngestStatus[] = [];
    for (const name of await readdir(join(this.root, 'ingest')).catch(() => [] as string[])) {
      const s = await ingestStatusOf(join(this.root, 'ingest', name));
      if (s && match((f) => (f === 'ref' ? s.ref : undefined))) out.push(s);
    }
    return out.sort((a, b) => a.ref.localeCompare(b.ref));
  }

  async abort(ref: string): Promise<void> {
    const dir = this.ingestDir(ref);
    await this.status(ref);
    const lockPath = join(dir, 'lock');
    if (isHeldHere(lockPath))
      throw new OciImageError(
        'ERR_LOCKED',
        `ingest ${JSON.stringify(ref)} has an open writer in this process; close it first`,
      );
    await acquireLock(lockPath, ref);
    this.suspended.delete(ref);
    await unlink(join(dir, 'data')).catch(() => {});
    await releaseLock(lockPath);
    await rm(dir, { recursive: true, force: true });
  }

  [inspect.custom](): string {
    return `ContentStore <${this.root}>`;
  }
}

function notFound(digest: string, cause: unknown): Error {
  if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') return cause as Error;
  return new OciImageError('ERR_NOT_FOUND', `blob ${digest} is not in the store`, { cause });
}
