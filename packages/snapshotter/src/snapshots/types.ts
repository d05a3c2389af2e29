// The data model of the snapshot store, shaped after containerd's snapshots package.

/** What a snapshot is: a writable Active, a read-only View, or an immutable Committed layer. */
export type SnapshotKind = 'Active' | 'View' | 'Committed';

/** What `stat` and `walk` report about one snapshot. */
export interface SnapshotInfo {
  readonly kind: SnapshotKind;
  /** The key (Active/View) or the name given at commit (Committed), e.g. a chainID. */
  readonly name: string;
  /** The Committed snapshot this one is based on; absent for a base layer. */
  readonly parent?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly created: Date;
  readonly updated: Date;
}

/** Disk usage of one snapshot's own layer (not its parents). */
export interface SnapshotUsage {
  /** Bytes of allocated storage (st_blocks × 512), hardlinked inodes counted once. */
  readonly size: number;
  /** Number of inodes in the layer. */
  readonly inodes: number;
}

/**
 * One mount, as containerd describes it: `mount -t <type> <source> <target> -o <options>`.
 * `bind` mounts use the options `rbind`/`bind` and `ro`/`rw`; overlay mounts use
 * `lowerdir=`, `upperdir=`, `workdir=` and the other overlay options.
 */
export interface Mount {
  readonly type: 'bind' | 'overlay';
  readonly source: string;
  readonly options: readonly string[];
}

/** Options of `prepare` and `view`. */
export interface SnapshotOptions {
  /** Labels stored with the snapshot (keys and values are strings; 4 KiB per label at most). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Options of `commit`. */
export interface CommitOptions extends SnapshotOptions {}

/**
 * Selects snapshots in `walk`. Each given field must match (AND); a label value of `true`
 * only requires the label to exist. A function filter receives each snapshot's info.
 */
export type WalkFilter =
  | {
      readonly kind?: SnapshotKind | readonly SnapshotKind[];
      readonly parent?: string | null;
      readonly name?: string | RegExp;
      readonly labels?: Readonly<Record<string, string | true>>;
    }
  | ((info: SnapshotInfo) => boolean);

/** The two storage drivers. */
export type DriverName = 'overlayfs' | 'native';
