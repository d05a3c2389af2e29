// applyLayer(): stream a layer blob into a directory in one pass — decompress, hash
// (compressed digest and diffID), parse and write — with every path resolved inside
// the root by file descriptor (rules 1–3 of layer-apply-cases.md).
import { closeSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import { LayerApplier } from './applier.js';
import { ArchiveUnsupportedError, InvalidLayerError } from './errors.js';
import { type Compression, LayerDecoder, type LayerSource } from './layer-decode.js';
import { openRoot } from './sys.js';
import { TarParser } from './tar-parser.js';

export interface ApplyProgress {
  readonly phase: 'apply';
  /** Compressed bytes read. */
  readonly done: number;
  /** The blob size when known (`expectedSize`), else undefined. */
  readonly total: number | undefined;
  readonly entries: number;
}

export interface ApplyOptions {
  /**
   * `'oci'` deletes what whiteouts name; `'overlay'` writes an overlayfs upperdir:
   * `.wh.x` becomes a char 0/0 device, `.wh..wh..opq` the opaque xattr.
   * @default 'oci'
   */
  readonly whiteouts?: 'oci' | 'overlay';
  /**
   * No chown, no mknod of block/char devices (skipped with one warning), `user.overlay.*`
   * instead of `trusted.overlay.*`, and `trusted.*` xattrs from the layer are skipped.
   * @default false
   */
  readonly rootless?: boolean;
  /**
   * Overlay mode only: the lower layers' directories, top first (the order of overlayfs'
   * `lowerdir=`). Paths are then resolved through the merged view, so a symlink that only
   * a lower layer has (`lib -> usr/lib`) is followed instead of being shadowed by a new
   * directory, and implied directories copy their mode and owner from the lower one.
   * @default []
   */
  readonly lowerdirs?: readonly string[];
  /**
   * Overlay mode with `lowerdirs`: a hardlink whose target only a lower layer has (C11)
   * is `'error'` (ERR_LAYER_PATH_ESCAPE, what the spec allows) or `'materialize'`d: the
   * target is copied up into the upperdir (content, owner, mode, xattrs, times), then
   * linked, so both names share the copy as they shared the lower file.
   * @default 'error'
   */
  readonly hardlinkToLower?: 'error' | 'materialize';
  /** Used only for progress totals. */
  readonly expectedSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ApplyProgress) => void;
  /** Non-fatal problems (unsupported xattrs, skipped devices), once per kind. @default console.warn */
  readonly onWarning?: (message: string) => void;
}

export class ApplyResult {
  /** sha256 of the uncompressed tar (every byte, trailing data included). */
  readonly diffId: string;
  /** sha256 of the blob as read. */
  readonly compressedDigest: string;
  /** Blob size in bytes. */
  readonly size: number;
  /** Real entries applied (PAX and long-name records not counted). */
  readonly entries: number;
  readonly compression: Compression;
  /** Bytes after the tar end-of-archive marker (hashed, not applied). */
  readonly trailingBytes: number;
  readonly warnings: readonly string[];
  constructor(r: Omit<ApplyResult, typeof inspect.custom>) {
    this.diffId = r.diffId;
    this.compressedDigest = r.compressedDigest;
    this.size = r.size;
    this.entries = r.entries;
    this.compression = r.compression;
    this.trailingBytes = r.trailingBytes;
    this.warnings = r.warnings;
  }
  [inspect.custom](): string {
    return `ApplyResult { ${this.entries} entries, ${this.compression} ${this.size} B, diffId ${this.diffId.slice(0, 19)}… }`;
  }
}

/**
 * Applies a layer to `root`, which must be an existing directory.
 *
 * Paths resolve inside `root` as if chrooted (openat2 RESOLVE_IN_ROOT): `..` and
 * symlinks that climb out are clamped to the root, never followed outside it. A plain
 * whiteout never removes what the same layer wrote (rule 1); a non-directory in the
 * way of a parent is replaced by a directory (rule 3); existing non-directories are
 * unlinked before replacement, never truncated.
 *
 * @throws ERR_INVALID_LAYER (corrupt tar or compression, device number out of range),
 * ERR_INVALID_WHITEOUT, ERR_LAYER_PATH_ESCAPE (an entry would replace the root; a
 * hardlink target that does not exist inside the root), ERR_LAYER_IO, ERR_UNSUPPORTED;
 * `signal.reason` when aborted.
 */
export async function applyLayer(root: string, layer: LayerSource, opts: ApplyOptions = {}): Promise<ApplyResult> {
  opts.signal?.throwIfAborted();
  if (typeof root !== 'string' || root === '') {
    throw Object.assign(new TypeError('The "root" argument must be a non-empty string'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  }
  const whiteouts = opts.whiteouts ?? 'oci';
  if (whiteouts !== 'oci' && whiteouts !== 'overlay') {
    throw Object.assign(new TypeError(`The "whiteouts" option must be 'oci' or 'overlay'; got ${String(whiteouts)}`), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
  if ((opts.lowerdirs?.length ?? 0) > 0 && whiteouts !== 'overlay') {
    throw Object.assign(new TypeError('The "lowerdirs" option needs whiteouts: \'overlay\''), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
  const hardlinkToLower = opts.hardlinkToLower ?? 'error';
  if (hardlinkToLower !== 'error' && hardlinkToLower !== 'materialize') {
    throw Object.assign(
      new TypeError(`The "hardlinkToLower" option must be 'error' or 'materialize'; got ${String(hardlinkToLower)}`),
      { code: 'ERR_INVALID_ARG_VALUE' },
    );
  }
  if (process.platform !== 'linux')
    throw new ArchiveUnsupportedError('applyLayer needs Linux (openat2 RESOLVE_IN_ROOT)');
  if (!statSync(root).isDirectory()) {
    throw Object.assign(new TypeError(`root ${JSON.stringify(root)} is not a directory`), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    (opts.onWarning ?? console.warn)(m);
  };
  let rootFd: number;
  try {
    rootFd = openRoot(root);
  } catch (e) {
    throw new ArchiveUnsupportedError(
      `cannot open root ${JSON.stringify(root)} with @ctrkit/sys: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const rootless = opts.rootless ?? false;
  const lowerFds: number[] = [];
  try {
    for (const l of opts.lowerdirs ?? []) lowerFds.push(openRoot(l));
  } catch (e) {
    for (const fd of lowerFds) closeSync(fd);
    closeSync(rootFd);
    throw Object.assign(new TypeError(`a lowerdir cannot be opened: ${(e as Error).message}`), {
      code: 'ERR_INVALID_ARG_VALUE',
      cause: e,
    });
  }
  const applier = new LayerApplier(rootFd, {
    whiteouts,
    lowerFds,
    rootless,
    hardlinkToLower,
    realRoot: !rootless && process.getuid?.() === 0,
    warn,
  });
  const parser = new TarParser(applier);
  const decoder = new LayerDecoder(layer, opts.signal);
  let lastProgress = 0;
  try {
    for await (const chunk of decoder) {
      try {
        parser.write(chunk);
      } catch (e) {
        throw wrap(e);
      }
      if (opts.onProgress && parser.entries - lastProgress >= 256) {
        lastProgress = parser.entries;
        opts.onProgress({ phase: 'apply', done: decoder.bytesRead, total: opts.expectedSize, entries: parser.entries });
      }
    }
    parser.end();
    applier.finish();
  } catch (e) {
    applier.abort();
    applier.resolver.close();
    throw e;
  } finally {
    closeSync(rootFd);
    for (const fd of lowerFds) closeSync(fd);
  }
  const d = decoder.digests();
  opts.onProgress?.({ phase: 'apply', done: d.size, total: opts.expectedSize, entries: parser.entries });
  return new ApplyResult({
    diffId: d.diffId,
    compressedDigest: d.compressedDigest,
    size: d.size,
    entries: parser.entries,
    compression: d.compression,
    trailingBytes: parser.trailingBytes,
    warnings,
  });
}

function wrap(e: unknown): unknown {
  if (e instanceof Error && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    const code = (e as { code: string }).code;
    // System errors from an entry (ENOTDIR through a hostile layout, ENAMETOOLONG...) become typed.
    if (/^E[A-Z0-9]+$/.test(code))
      return new InvalidLayerError(`applying failed: ${e.message}`, undefined, { cause: e });
  }
  return e;
}
