// diffTrees(): the layer that turns `lower` into `upper`, from two lexical walks.
// diffOverlayUpper(): the fast path that reads only an overlayfs upperdir.
import { statSync } from 'node:fs';
import { type DiffOp, HardlinkGroups, planAdded, planDiff } from './diff-plan.js';
import { ArchiveUnsupportedError } from './errors.js';
import { type DiffCompression, LayerStream } from './layer-stream.js';
import { type MtimePrecision, writeLayer } from './layer-writer.js';
import { sameContent } from './same-content.js';
import { type TreeEntry, walkEntries, walkTree } from './tree-walk.js';

export interface DiffOptions {
  /** @default 'gzip' */
  readonly compression?: DiffCompression;
  /** Compression level: gzip 1–9 (default 6), zstd 1–22 (default 3). */
  readonly level?: number;
  /** Clamp mtimes to this many seconds since the epoch (whiteouts are always at 0). */
  readonly sourceDateEpoch?: number;
  /**
   * 'second' (the default) writes mtimes cut to whole seconds, as containerd, moby and
   * umoci write layers; 'nanosecond' keeps the sub-second part in a PAX record, which
   * costs a 1 KiB extended header per entry (~10% more tar on a tree of small files).
   * @default 'second'
   */
  readonly mtimePrecision?: MtimePrecision;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { phase: 'walk' | 'write'; done: number; total: number | undefined }) => void;
}

function checkDir(p: string, what: string): void {
  if (typeof p !== 'string' || !statSync(p).isDirectory()) {
    throw Object.assign(new TypeError(`The "${what}" argument must be a directory path; got ${JSON.stringify(p)}`), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
}

const LEVELS = { gzip: [1, 9], zstd: [1, 22] } as const;

function stream(plan: () => Iterable<DiffOp>, opts: DiffOptions): LayerStream {
  const compression = opts.compression ?? 'gzip';
  if (compression !== 'none' && compression !== 'gzip' && compression !== 'zstd') {
    throw Object.assign(
      new TypeError(`The "compression" option must be 'none', 'gzip' or 'zstd'; got ${String(compression)}`),
      { code: 'ERR_INVALID_ARG_VALUE' },
    );
  }
  if (opts.level !== undefined && compression !== 'none') {
    const [lo, hi] = LEVELS[compression];
    if (!Number.isInteger(opts.level) || opts.level < lo || opts.level > hi)
      throw Object.assign(new RangeError(`${compression} level must be an integer ${lo}..${hi}; got ${opts.level}`), {
        code: 'ERR_OUT_OF_RANGE',
      });
  }
  if (opts.mtimePrecision !== undefined && opts.mtimePrecision !== 'second' && opts.mtimePrecision !== 'nanosecond') {
    throw Object.assign(
      new TypeError(`The "mtimePrecision" option must be 'second' or 'nanosecond'; got ${String(opts.mtimePrecision)}`),
      { code: 'ERR_INVALID_ARG_VALUE' },
    );
  }
  let entries = 0;
  let total: number | undefined;
  return new LayerStream(
    async function* () {
      const ops = plan();
      total = Array.isArray(ops) ? ops.length : undefined;
      yield* writeLayer(ops, {
        sourceDateEpoch: opts.sourceDateEpoch,
        mtimePrecision: opts.mtimePrecision,
        signal: opts.signal,
        onEntry: () => {
          entries++;
          if (opts.onProgress && entries % 256 === 0) opts.onProgress({ phase: 'write', done: entries, total });
        },
      });
    },
    () => entries,
    compression,
    opts.level,
  );
}

/**
 * The layer that turns `lower` (null for an empty lower) into `upper`: added and
 * modified entries, `.wh.` whiteouts (an opaque `.wh..wh..opq` where a directory's
 * lower children all went and new ones came), parent directories, whole hardlink
 * groups, no sockets; times clamped to `sourceDateEpoch`; byte-reproducible.
 * Nothing is read until the stream is iterated.
 */
export function diffTrees(lower: string | null, upper: string, opts: DiffOptions = {}): LayerStream {
  opts.signal?.throwIfAborted();
  if (lower !== null) checkDir(lower, 'lower');
  checkDir(upper, 'upper');
  return stream(() => {
    // Against an empty lower the plan streams: the layer starts while the walk goes on.
    if (lower === null) return planAdded(walkEntries(upper, { signal: opts.signal }));
    const l = walkTree(lower, { signal: opts.signal });
    const u = walkTree(upper, { signal: opts.signal });
    opts.onProgress?.({ phase: 'walk', done: u.length, total: u.length });
    return planDiff(l, u, { sameContent });
  }, opts);
}

const OVERLAY_XATTRS = ['trusted.overlay.', 'user.overlay.'];

/**
 * The layer for an overlayfs upperdir, reading only the upperdir: a char 0/0 device
 * becomes `.wh.<name>`, a directory with the opaque xattr (`trusted.` or `user.`)
 * gets a `.wh..wh..opq` child. `lowerdirs` are checked to exist; the upperdir must
 * not use redirect_dir or metacopy (those need a two-tree diff, ERR_UNSUPPORTED).
 */
export function diffOverlayUpper(upperdir: string, lowerdirs: readonly string[], opts: DiffOptions = {}): LayerStream {
  opts.signal?.throwIfAborted();
  checkDir(upperdir, 'upperdir');
  for (const l of lowerdirs) checkDir(l, 'lowerdirs');
  return stream(() => planUpper(walkEntries(upperdir, { signal: opts.signal })), opts);
}

function* planUpper(upper: Iterable<TreeEntry>): Generator<DiffOp> {
  const groups = new HardlinkGroups();
  for (const e of upper) {
    for (const k of e.xattrs.keys()) {
      if (OVERLAY_XATTRS.some((p) => k === `${p}redirect` || k === `${p}metacopy`)) {
        throw new ArchiveUnsupportedError(
          `upperdir entry ${JSON.stringify(e.path)} carries ${k}: redirect_dir/metacopy upperdirs need diffTrees() over the mounted trees`,
        );
      }
    }
    if (e.type === 'socket') continue;
    if (e.type === 'char' && e.devmajor === 0 && e.devminor === 0) {
      yield { kind: 'whiteout', path: e.path };
      continue;
    }
    yield groups.entry(e);
    if (e.type === 'dir' && OVERLAY_XATTRS.some((p) => e.xattrs.get(`${p}opaque`)?.toString() === 'y')) {
      yield { kind: 'opaque', dir: e.path };
    }
  }
}
