// One ingest session: append to ingest/<hash(ref)>/data while hashing, then commit by
// fsync + link into blobs/<alg>/<hex> + fsync of the directory. link(2) fails with EEXIST
// instead of replacing, so a committed blob is never overwritten and never seen partial.
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { chmod, link, mkdir, open, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createDigester, type Digest, digestAlgorithm, digestFromHash, digestHex } from '../digest.js';
import { OciImageError } from '../errors.js';
import { releaseLock } from './lock.js';
import type { CommitOptions, ContentWriter } from './types.js';

/** What a writer needs from its store. */
export interface WriterHost {
  readonly root: string;
  /** Keeps the hash state of a closed writer so a resume in this process need not re-hash. */
  suspend(ref: string, offset: number, hash: Hash): void;
  writeMeta(digest: Digest, labels: Readonly<Record<string, string>>): Promise<void>;
  blobPath(digest: Digest): string;
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class IngestWriter implements ContentWriter {
  #offset: number;
  #hash: Hash;
  #fh: FileHandle | undefined;
  #closed = false;
  #hashAhead = false;

  constructor(
    private readonly host: WriterHost,
    readonly ref: string,
    private readonly dir: string,
    fh: FileHandle,
    offset: number,
    hash: Hash,
    private readonly expected: Digest | undefined,
  ) {
    this.#fh = fh;
    this.#offset = offset;
    this.#hash = hash;
  }

  get offset(): number {
    return this.#offset;
  }

  async write(data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const fh = this.#open();
    const chunks = data instanceof Uint8Array ? [data] : data;
    let total = 0;
    for (const c of chunks) total += c.length;
    // Hash while the thread pool writes: the two overlap instead of taking turns. A
    // failed write leaves the hash ahead of the file, so it is then never kept for resume.
    // Several chunks go down in one writev: no copy into a joined buffer, which on a
    // pull halved the external memory churn and with it the GC pauses.
    const first = fh.writev(chunks as Uint8Array[], this.#offset);
    for (const c of chunks) this.#hash.update(c);
    try {
      let done = (await first).bytesWritten;
      if (done < total) {
        const rest = Buffer.concat(chunks as Uint8Array[], total).subarray(done);
        for (let off = 0; off < rest.length; ) {
          off += (await fh.write(rest, off, rest.length - off, this.#offset + done + off)).bytesWritten;
        }
        done = total;
      }
    } catch (err) {
      this.#hashAhead = true;
      throw err;
    }
    this.#offset += total;
  }

  digest(): Digest {
    return digestFromHash(this.#alg(), this.#hash.copy());
  }

  async truncate(size: 0): Promise<void> {
    if (size !== 0) throw new OciImageError('ERR_INVALID_ARGUMENT', 'truncate supports only 0');
    await this.#open().truncate(0);
    this.#offset = 0;
    this.#hash = createDigester(this.#alg());
  }

  async commit(options: CommitOptions = {}): Promise<Digest> {
    const fh = this.#open();
    try {
      const expected = options.expected ?? this.expected;
      if (options.size !== undefined && options.size !== this.#offset) {
        throw new OciImageError(
          'ERR_SIZE_MISMATCH',
          `ingest ${JSON.stringify(this.ref)}: wrote ${this.#offset} bytes, commit expected ${options.size}; the ingest is kept, resume or abort it`,
        );
      }
      if (this.#hashAhead)
        throw new OciImageError(
          'ERR_INVALID_ARGUMENT',
          `ingest ${JSON.stringify(this.ref)}: a write failed; close and reopen the writer to resume`,
        );
      const got = this.digest();
      if (expected !== undefined && got !== expected) {
        throw new OciImageError(
          'ERR_DIGEST_MISMATCH',
          `ingest ${JSON.stringify(this.ref)}: content hashes to ${got}, expected ${expected}; the ingest is kept, truncate or abort it`,
        );
      }
      await fh.sync();
      await this.#closeHandle();
      const target = this.host.blobPath(got);
      const algDir = join(this.host.root, 'blobs', digestAlgorithm(got));
      await mkdir(algDir, { recursive: true });
      try {
        await link(join(this.dir, 'data'), target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        await this.#dropIngest();
        throw new OciImageError('ERR_ALREADY_EXISTS', `blob ${got} is already in the store; nothing was changed`);
      }
      await chmod(target, 0o444);
      await fsyncDir(algDir);
      if (options.labels && Object.keys(options.labels).length > 0) await this.host.writeMeta(got, options.labels);
      await this.#dropIngest();
      return got;
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#fh) {
      await writeFile(join(this.dir, 'updatedat'), new Date().toISOString()).catch(() => {});
      await this.#closeHandle();
      if (!this.#hashAhead) this.host.suspend(this.ref, this.#offset, this.#hash.copy());
    }
    await releaseLock(join(this.dir, 'lock'));
  }

  async #dropIngest(): Promise<void> {
    // data first: once it is gone no resume can pick up a half-removed ingest.
    await unlink(join(this.dir, 'data')).catch(() => {});
    await releaseLock(join(this.dir, 'lock'));
    await rm(this.dir, { recursive: true, force: true });
  }

  async #closeHandle(): Promise<void> {
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close();
  }

  #open(): FileHandle {
    if (this.#closed || !this.#fh)
      throw new OciImageError('ERR_INVALID_ARGUMENT', `writer for ${JSON.stringify(this.ref)} is closed`);
    return this.#fh;
  }

  #alg() {
    return this.expected ? digestAlgorithm(this.expected) : 'sha256';
  }

  [inspect.custom](): string {
    return `ContentWriter <${this.ref} offset=${this.#offset}${this.expected ? ` expected=${digestHex(this.expected).slice(0, 12)}` : ''}${this.#closed ? ' closed' : ''}>`;
  }
}
