// The persistent record of every snapshot: one JSON document, replaced atomically.
// A transaction takes the inter-process lock, re-reads the document, mutates it and writes
// it crash-safely (temp file, fsync, rename, fsync of the directory), so a reader or a
// process that restarts after a SIGKILL sees either the old or the new state, never a mix.
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SnapshotError } from './errors.js';
import { acquireLock, pidRunning, removeLockLeftovers } from './file-lock.js';
import type { SnapshotKind } from './types.js';

/** One snapshot as stored. `id` names its directory (`snapshots/<id>`) and never changes. */
export interface SnapshotRecord {
  id: number;
  kind: SnapshotKind;
  parent?: string;
  labels: Record<string, string>;
  created: string;
  updated: string;
}

export interface MetadataDocument {
  version: 1;
  /** The next directory id to hand out; ids are never reused. */
  nextId: number;
  snapshots: Record<string, SnapshotRecord>;
}

const FILE = 'metadata.json';
const LOCK = 'metadata.lock';

export class MetadataStore {
  readonly dir: string;
  // Transactions of this process run one at a time; the file lock orders processes.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The current document (no lock: the file is only ever replaced by rename). */
  async read(): Promise<MetadataDocument> {
    let text: string;
    try {
      text = await readFile(join(this.dir, FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, nextId: 1, snapshots: {} };
      throw err;
    }
    return parseDocument(text, join(this.dir, FILE));
  }

  /**
   * Runs `fn` on a fresh copy of the document under the lock. If `fn` returns normally the
   * (possibly changed) document is written; if it throws, nothing is written.
   */
  transaction<T>(fn: (doc: MetadataDocument) => Promise<T> | T, opts: { signal?: AbortSignal } = {}): Promise<T> {
    const run = async (): Promise<T> => {
      const lock = await acquireLock(join(this.dir, LOCK), { signal: opts.signal });
      try {
        const doc = await this.read();
        const before = JSON.stringify(doc);
        const result = await fn(doc);
        const after = JSON.stringify(doc);
        if (after !== before) await this.#write(after);
        return result;
      } finally {
        await lock.release();
      }
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Removes temp files that killed writers or lockers left behind (never a live process's). */
  async removeTempFiles(): Promise<string[]> {
    const removed = await removeLockLeftovers(join(this.dir, LOCK));
    for (const name of await readdir(this.dir)) {
      // Only a dead writer's: another process may be between its write and its rename.
      const pid = Number(/^metadata\.json\.tmp-(\d+)-/.exec(name)?.[1]);
      if (pid > 0 && !pidRunning(pid)) {
        await unlink(join(this.dir, name)).catch(() => {});
        removed.push(name);
      }
    }
    return removed;
  }

  async #write(text: string): Promise<void> {
    const tmp = join(this.dir, `${FILE}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${text}\n`);
      await fh.sync();
    } catch (err) {
      await fh.close();
      await unlink(tmp).catch(() => {});
      throw err;
    }
    await fh.close();
    await rename(tmp, join(this.dir, FILE));
    await syncDir(this.dir);
  }
}

/** fsync a directory so that a rename or create inside it survives a power loss. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function parseDocument(text: string, where: string): MetadataDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw corrupt(where, 'it is not valid JSON', err);
  }
  if (typeof doc !== 'object' || doc === null) throw corrupt(where, 'it is not an object');
  const d = doc as Partial<MetadataDocument>;
  if (d.version !== 1) throw corrupt(where, `version ${JSON.stringify(d.version)} is not 1`);
  if (!Number.isInteger(d.nextId) || (d.nextId ?? 0) < 1) throw corrupt(where, 'nextId is not a positive integer');
  if (typeof d.snapshots !== 'object' || d.snapshots === null) throw corrupt(where, 'snapshots is not an object');
  for (const [key, rec] of Object.entries(d.snapshots)) {
    if (!Number.isInteger(rec.id) || !['Active', 'View', 'Committed'].includes(rec.kind)) {
      throw corrupt(where, `the record of ${JSON.stringify(key)} has no valid id or kind`);
    }
  }
  return d as MetadataDocument;
}

function corrupt(where: string, why: string, cause?: unknown): SnapshotError {
  return new SnapshotError(
    'ERR_SNAPSHOT_STORE_CORRUPT',
    `snapshot metadata ${where} cannot be read: ${why}; restore it from a backup or remove the store`,
    { cause },
  );
}
