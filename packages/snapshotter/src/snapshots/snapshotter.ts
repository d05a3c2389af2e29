// The snapshot store: containerd's Snapshotter semantics over a directory.
// `<root>/metadata.json` records every snapshot (kind, parent, labels, numeric id);
// `<root>/snapshots/<id>` holds its files. New snapshots are built in a staging directory
// and renamed into place under the metadata lock, so a crash leaves at most an orphan
// directory that `cleanup()` removes, never a record without its files.
import { mkdir, mkdtemp, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { SnapshotDriver } from './driver.js';
import { storeLayout } from './driver.js';
import { SnapshotError } from './errors.js';
import { MetadataStore, type SnapshotRecord, syncDir } from './metadata-store.js';
import { nativeDriver } from './native-driver.js';
import { overlayDriver } from './overlay-driver.js';
import { OVERLAY_UNSAFE_PATH } from './overlay-options.js';
import { chain, checkNew, exists, getRecord, toInfo } from './records.js';
import { syncfs } from './sys.js';
import type {
  CommitOptions,
  DriverName,
  Mount,
  SnapshotInfo,
  SnapshotOptions,
  SnapshotUsage,
  WalkFilter,
} from './types.js';
import { diskUsage } from './usage.js';
import { checkKey, checkLabels, matches } from './validate.js';

export interface SnapshotterOpenOptions {
  readonly driver: DriverName;
  /** overlayfs only: mount with `userxattr` (rootless). @default false */
  readonly userxattr?: boolean;
  /** syncfs(2) a snapshot's filesystem before it is committed, so power loss cannot leave a
   * Committed snapshot with empty files (containerd#8895). @default true */
  readonly sync?: boolean;
}

/** What `cleanup()` removed. */
export interface CleanupReport {
  /** Directories under `snapshots/` that no record refers to (staging, removed, orphaned). */
  readonly directories: readonly string[];
  /** Overlay short links whose snapshot no longer exists. */
  readonly links: readonly string[];
}

export class Snapshotter {
  readonly root: string;
  readonly driver: DriverName;
  /** overlayfs with `userxattr`: layers carry `user.overlay.*` markers (rootless). */
  readonly userxattr: boolean;
  readonly #driver: SnapshotDriver;
  readonly #meta: MetadataStore;
  readonly #sync: boolean;
  readonly #layout;
  #closed = false;

  private constructor(root: string, driver: SnapshotDriver, sync: boolean, userxattr: boolean) {
    this.root = root;
    this.driver = driver.name;
    this.userxattr = userxattr;
    this.#driver = driver;
    this.#meta = new MetadataStore(root);
    this.#sync = sync;
    this.#layout = storeLayout(root);
  }

  /** Opens (creating if needed) a store at the absolute path `root`. */
  static async open(root: string, opts: SnapshotterOpenOptions): Promise<Snapshotter> {
    if (process.platform !== 'linux') {
      throw new SnapshotError('ERR_UNSUPPORTED', `snapshots need Linux, not ${process.platform}`);
    }
    if (typeof root !== 'string' || !root.startsWith('/')) {
      throw new SnapshotError('ERR_SNAPSHOT_INVALID_OPTION', `root ${JSON.stringify(root)} must be an absolute path`);
    }
    let driver: SnapshotDriver;
    if (opts?.driver === 'overlayfs') {
      if (OVERLAY_UNSAFE_PATH.test(root)) {
        throw new SnapshotError(
          'ERR_SNAPSHOT_INVALID_OPTION',
          `root ${JSON.stringify(root)} holds a character overlayfs options cannot carry (, : \\ newline); choose another directory`,
        );
      }
      driver = overlayDriver({ userxattr: opts.userxattr });
    } else if (opts?.driver === 'native') {
      driver = nativeDriver();
    } else {
      throw new SnapshotError(
        'ERR_SNAPSHOT_INVALID_OPTION',
        `driver ${JSON.stringify(opts?.driver)} is unknown: use 'overlayfs' or 'native'`,
      );
    }
    await mkdir(join(root, 'snapshots'), { recursive: true, mode: 0o700 });
    const s = new Snapshotter(root, driver, opts.sync ?? true, driver.name === 'overlayfs' && opts.userxattr === true);
    await s.#meta.read(); // fail now on a corrupt store
    await s.#meta.removeTempFiles();
    return s;
  }

  /** Creates an Active snapshot on top of the Committed `parent`; returns its mounts. */
  prepare(key: string, parent?: string, opts: SnapshotOptions = {}): Promise<Mount[]> {
    return this.#create('Active', key, parent, opts);
  }

  /** Creates a read-only View of the Committed `parent`; returns its mounts. */
  view(key: string, parent?: string, opts: SnapshotOptions = {}): Promise<Mount[]> {
    return this.#create('View', key, parent, opts);
  }

  /** The mounts of an Active or View snapshot. */
  async mounts(key: string): Promise<Mount[]> {
    this.#open();
    const doc = await this.#meta.read();
    const rec = getRecord(doc, checkKey(key));
    if (rec.kind === 'Committed') {
      throw new SnapshotError(
        'ERR_SNAPSHOT_WRONG_KIND',
        `snapshot ${JSON.stringify(key)} is Committed and has no mounts; view() or prepare() on top of it`,
        { key },
      );
    }
    return this.#driver.mounts({ id: rec.id, kind: rec.kind, parents: chain(doc, rec.parent), layout: this.#layout });
  }

  /**
   * Turns the Active snapshot `key` into the Committed snapshot `name` (e.g. a chainID),
   * keeping its id and parent. Like containerd, the committed snapshot gets the labels in
   * `opts`, not the Active one's.
   */
  async commit(name: string, key: string, opts: CommitOptions = {}): Promise<void> {
    this.#open();
    checkKey(name, 'name');
    checkKey(key);
    const labels = checkLabels(opts.labels, name);
    const before = getRecord(await this.#meta.read(), key);
    // Flush the layer's data before the metadata says it is complete.
    if (this.#sync) await syncDirectory(this.#layout.snapshotDir(before.id));
    await this.#meta.transaction((doc) => {
      const rec = getRecord(doc, key);
      if (rec.kind !== 'Active') {
        throw new SnapshotError(
          'ERR_SNAPSHOT_WRONG_KIND',
          `snapshot ${JSON.stringify(key)} is ${rec.kind}; only an Active snapshot can be committed`,
          { key },
        );
      }
      if (doc.snapshots[name]) throw exists(name);
      const now = new Date().toISOString();
      delete doc.snapshots[key];
      // As containerd's CommitActive: the committed snapshot carries the labels given here.
      doc.snapshots[name] = { ...rec, kind: 'Committed', labels, updated: now };
    });
  }

  /** Removes a snapshot that has no children; its directory is deleted. */
  async remove(key: string): Promise<void> {
    this.#open();
    checkKey(key);
    const id = await this.#meta.transaction((doc) => {
      const rec = getRecord(doc, key);
      const children = Object.keys(doc.snapshots).filter((k) => doc.snapshots[k]?.parent === key);
      if (children.length > 0) {
        throw new SnapshotError(
          'ERR_SNAPSHOT_HAS_CHILDREN',
          `snapshot ${JSON.stringify(key)} is the parent of ${children.length} snapshot(s) (${children.slice(0, 3).join(', ')}); remove them first`,
          { key },
        );
      }
      delete doc.snapshots[key];
      return rec.id;
    });
    // The record is gone first: a crash from here on leaves only an orphan that cleanup()
    // removes. Ids are never reused, so nothing can claim the directory meanwhile.
    await this.#driver.removing(id, this.#layout);
    await rm(this.#layout.snapshotDir(id), { recursive: true, force: true });
  }

  async stat(key: string): Promise<SnapshotInfo> {
    this.#open();
    return toInfo(checkKey(key), getRecord(await this.#meta.read(), key));
  }

  /**
   * Changes labels, as containerd's Update: without `fieldpaths` the labels are replaced;
   * with `fieldpaths` such as `['labels.a']` only those labels are set (or removed when absent).
   */
  async update(key: string, change: { labels?: Record<string, string> }, fieldpaths?: readonly string[]) {
    this.#open();
    checkKey(key);
    const labels = checkLabels(change.labels ?? {}, key);
    return this.#meta.transaction((doc) => {
      const rec = getRecord(doc, key);
      if (fieldpaths === undefined || fieldpaths.length === 0) {
        rec.labels = labels;
      } else {
        for (const path of fieldpaths) {
          if (path === 'labels') {
            rec.labels = labels;
          } else if (path.startsWith('labels.')) {
            const name = path.slice('labels.'.length);
            const value = labels[name];
            if (value === undefined) delete rec.labels[name];
            else rec.labels[name] = value;
          } else {
            throw new SnapshotError(
              'ERR_SNAPSHOT_INVALID_OPTION',
              `field path ${JSON.stringify(path)} cannot be updated; only 'labels' and 'labels.<name>' can`,
              { key },
            );
          }
        }
      }
      checkLabels(rec.labels, key);
      rec.updated = new Date().toISOString();
      return toInfo(key, rec);
    });
  }

  /** Disk usage of the snapshot's own layer (for native, its full copy). */
  async usage(key: string): Promise<SnapshotUsage> {
    this.#open();
    const rec = getRecord(await this.#meta.read(), checkKey(key));
    return diskUsage(this.#layout.fsDir(rec.id));
  }

  /** Every snapshot that passes `filter`, sorted by name. */
  async *walk(filter?: WalkFilter): AsyncGenerator<SnapshotInfo> {
    this.#open();
    const doc = await this.#meta.read();
    for (const key of Object.keys(doc.snapshots).sort()) {
      const info = toInfo(key, doc.snapshots[key]!);
      if (matches(info, filter)) yield info;
    }
  }

  /** Removes directories and links that no snapshot refers to (left by crashes or removals). */
  async cleanup(): Promise<CleanupReport> {
    this.#open();
    const directories: string[] = [];
    const links: string[] = [];
    await this.#meta.transaction(async (doc) => {
      const ids = new Set(Object.values(doc.snapshots).map((r) => String(r.id)));
      for (const name of await readdir(join(this.root, 'snapshots'))) {
        if (ids.has(name)) continue;
        await rm(join(this.root, 'snapshots', name), { recursive: true, force: true });
        directories.push(name);
      }
      const short = new Set([...ids].map((id) => Number(id).toString(36)));
      for (const name of await readdir(join(this.root, 'l')).catch(() => [] as string[])) {
        if (short.has(name)) continue;
        await rm(join(this.root, 'l', name), { force: true });
        links.push(name);
      }
    });
    return { directories, links };
  }

  /** Closes the store; later calls fail with ERR_SNAPSHOT_STORE_CLOSED. Closing twice is fine. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  [inspect.custom](): string {
    return `Snapshotter { root: ${JSON.stringify(this.root)}, driver: '${this.driver}'${this.#closed ? ', closed' : ''} }`;
  }

  async #create(kind: 'Active' | 'View', key: string, parent: string | undefined, opts: SnapshotOptions) {
    this.#open();
    checkKey(key);
    if (parent !== undefined && parent !== '') checkKey(parent, 'parent');
    else parent = undefined;
    const labels = checkLabels(opts.labels, key);
    const parents = checkNew(await this.#meta.read(), key, parent);
    const staging = await mkdtemp(join(this.root, 'snapshots', 'new-'));
    try {
      await this.#driver.create(staging, { kind, parents, layout: this.#layout });
      const id = await this.#meta.transaction(async (doc) => {
        const now = checkNew(doc, key, parent);
        if (now.join() !== parents.join()) {
          throw new SnapshotError(
            'ERR_SNAPSHOT_NOT_FOUND',
            `parent ${JSON.stringify(parent)} changed while ${key} was prepared; retry`,
            { key },
          );
        }
        const newId = doc.nextId;
        doc.nextId += 1;
        const dir = this.#layout.snapshotDir(newId);
        await rm(dir, { recursive: true, force: true }); // an orphan of a crash before the record was written
        await rename(staging, dir);
        await syncDir(join(this.root, 'snapshots'));
        await this.#driver.placed(newId, this.#layout);
        const stamp = new Date().toISOString();
        const rec: SnapshotRecord = { id: newId, kind, labels, created: stamp, updated: stamp };
        if (parent !== undefined) rec.parent = parent;
        doc.snapshots[key] = rec;
        return newId;
      });
      return this.#driver.mounts({ id, kind, parents, layout: this.#layout });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  #open(): void {
    if (this.#closed) {
      throw new SnapshotError('ERR_SNAPSHOT_STORE_CLOSED', `the snapshotter at ${this.root} is closed; open it again`);
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await syncfs(fh.fd);
  } finally {
    await fh.close();
  }
}
