// The content store's interfaces, split as containerd splits them (core/content):
// Manager (metadata), Provider (reading), IngestManager (in-flight writes), Ingester (writing).
import type { Readable } from 'node:stream';
import type { Digest } from '../digest.js';
import type { Descriptor } from '../types.js';

/** What the store knows about a committed blob. */
export interface ContentInfo {
  readonly digest: Digest;
  readonly size: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly labels: Readonly<Record<string, string>>;
}

/** An in-flight ingest. */
export interface IngestStatus {
  readonly ref: string;
  /** Bytes written so far. */
  readonly offset: number;
  /** The total announced when the ingest started (0 when unknown). */
  readonly total: number;
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

/** Random access to a committed blob. Close it when done. */
export interface ReaderAt {
  readonly size: number;
  /** Reads up to `length` bytes at `position`; fewer only at the end of the blob. */
  readAt(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export interface Provider {
  /** Random access; only `desc.digest` is required. @throws ERR_NOT_FOUND */
  readerAt(desc: Pick<Descriptor, 'digest'>): Promise<ReaderAt>;
  /**
   * A stream of the blob that verifies digest and size while reading (the stream errors
   * with ERR_DIGEST_MISMATCH / ERR_SIZE_MISMATCH at the end). @throws ERR_NOT_FOUND
   */
  createReadStream(desc: Pick<Descriptor, 'digest'> & { size?: number }): Promise<Readable>;
}

/** Filters as containerd writes them: `digest==sha256:…`, `labels."a.b"==v`, `labels.k` (present). Clauses joined by `,` must all hold; several filters are OR-ed. */
export type Filter = string;

export interface Manager {
  /** @throws ERR_NOT_FOUND */
  info(digest: Digest): Promise<ContentInfo>;
  /**
   * Replaces the labels named by `fieldpaths` (`labels.x`, or `labels` for all); with no
   * fieldpaths all labels are replaced. A label set to '' is removed. @throws ERR_NOT_FOUND
   */
  update(info: Pick<ContentInfo, 'digest' | 'labels'>, fieldpaths?: readonly string[]): Promise<ContentInfo>;
  /** Every committed blob matching any of `filters` (all when none). */
  walk(fn: (info: ContentInfo) => void | Promise<void>, ...filters: Filter[]): Promise<void>;
  /** @throws ERR_NOT_FOUND */
  delete(digest: Digest): Promise<void>;
}

export interface IngestManager {
  /** @throws ERR_NOT_FOUND */
  status(ref: string): Promise<IngestStatus>;
  /** In-flight ingests; filters match `ref==x` or `ref~=regex`. */
  listStatuses(...filters: Filter[]): Promise<IngestStatus[]>;
  /** Drops an ingest and its data. @throws ERR_NOT_FOUND, ERR_LOCKED */
  abort(ref: string): Promise<void>;
}

export interface WriterOptions {
  /** The digest the content must have; a commit of anything else fails. */
  readonly expected?: Digest;
  /** The size announced for the content (recorded, shown in status, checked on resume). */
  readonly total?: number;
}

export interface CommitOptions {
  /** The size the content must have. */
  readonly size?: number;
  /** The digest it must have (overrides the writer's `expected`). */
  readonly expected?: Digest;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A writer for one ingest. `commit` and `close` both release the ref's lock. */
export interface ContentWriter {
  readonly ref: string;
  /** Bytes in the ingest so far (including those of earlier, resumed sessions). */
  readonly offset: number;
  /** Appends one chunk, or several in one writev. */
  write(data: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /** The digest of what has been written so far. */
  digest(): Digest;
  /** Verifies, fsyncs and moves the data into `blobs/`. Always closes the writer. */
  commit(options?: CommitOptions): Promise<Digest>;
  /** Discards what was written (keeps the ingest and the lock). */
  truncate(size: 0): Promise<void>;
  /** Releases the lock and keeps the ingest for a later resume. */
  close(): Promise<void>;
}

export interface Ingester {
  /**
   * Opens (or resumes) the ingest `ref`. @throws ERR_LOCKED when another writer holds it,
   * ERR_ALREADY_EXISTS when `expected` is already committed, ERR_INVALID_ARGUMENT when a
   * resume announces another total.
   */
  writer(ref: string, options?: WriterOptions): Promise<ContentWriter>;
}
