// unpackImage: an image's layers into Committed snapshots keyed by chainID, as containerd's
// unpacker does. Each missing layer is prepared on top of the previous chainID, applied
// with its compressed digest and diffID verified in the same pass, and committed under its
// chainID; a mismatch removes the Active snapshot, so nothing half-applied is committed.
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import {
  chainIds,
  checkLayerCount,
  type Descriptor,
  defaultPlatform,
  type ImageManifest,
  isIndexType,
  isManifestType,
  type Platform,
  parseImageConfig,
  parseIndex,
  parseManifest,
  selectManifest,
} from '@ctrkit/oci-image';
import { applyLayer } from '../archive/apply-layer.js';
import { SnapshotError } from './errors.js';
import { identityAlive, processIdentity } from './process-identity.js';
import type { Snapshotter } from './snapshotter.js';
import type { Mount } from './types.js';

/** What unpack needs from a content store (ctrkit's ContentStore has both). */
export interface UnpackContentProvider {
  readBlob(desc: { digest: string; size?: number }): Promise<Buffer>;
  createReadStream(desc: { digest: string; size?: number }): Promise<AsyncIterable<Uint8Array>>;
  /**
   * Where a blob lives on disk, if the store keeps files (ctrkit's ContentStore does).
   * applyLayer then reads the file itself with large reads; the digest and size it
   * computes in the same pass are checked here, so nothing is hashed twice.
   */
  blobPath?(digest: string): string;
}

export interface UnpackProgress {
  readonly phase: 'resolve' | 'skip' | 'apply' | 'commit' | 'done';
  /** Layers finished so far. */
  readonly done: number;
  readonly total: number;
  readonly chainId?: string;
}

export interface UnpackOptions {
  readonly contentStore: UnpackContentProvider;
  readonly snapshotter: Snapshotter;
  /** Which manifest of an index to unpack. @default this host's platform */
  readonly platform?: Platform | string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: UnpackProgress) => void;
}

export interface UnpackedLayer {
  readonly chainId: string;
  readonly diffId: string;
  readonly digest: string;
  /** False when the snapshot already existed (or another unpack applied it). */
  readonly applied: boolean;
}

export interface UnpackResult {
  /** The chainID of the top layer: the parent to prepare a container's rootfs on. */
  readonly chainId: string;
  readonly layers: readonly UnpackedLayer[];
}

/** The label an in-flight extraction carries: which process applies it. */
const OWNER_LABEL = 'ctrkit.io/unpack.owner';
/** Labels a committed layer carries, for verification and diagnostics. */
export const DIFF_ID_LABEL = 'ctrkit.io/diff-id';
export const LAYER_DIGEST_LABEL = 'ctrkit.io/layer-digest';

// In-process dedupe: concurrent unpacks of the same chainID share one extraction.
const inflight = new Map<string, Promise<boolean>>();

/**
 * Unpacks `image` (a manifest or index descriptor in `contentStore`) into `snapshotter`.
 * @throws SnapshotError ERR_UNPACK_INVALID_IMAGE (not an image, no layers, layer count
 * mismatch), ERR_UNPACK_DIGEST_MISMATCH (a layer's digest or diffID is wrong); errors of
 * applyLayer (ERR_INVALID_LAYER, ...); `signal.reason` when aborted.
 */
export async function unpackImage(image: Descriptor, opts: UnpackOptions): Promise<UnpackResult> {
  const { contentStore, snapshotter, signal } = opts;
  signal?.throwIfAborted();
  const manifest = await resolveManifest(image, opts);
  const config = parseImageConfig(await contentStore.readBlob(manifest.config));
  try {
    checkLayerCount(manifest, config);
  } catch (err) {
    throw new SnapshotError('ERR_UNPACK_INVALID_IMAGE', (err as Error).message, { cause: err });
  }
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length === 0) {
    throw new SnapshotError('ERR_UNPACK_INVALID_IMAGE', `image ${image.digest} has no layers to unpack`);
  }
  const chain = chainIds(diffIds);
  const total = chain.length;
  const layers: UnpackedLayer[] = [];
  for (let i = 0; i < total; i++) {
    signal?.throwIfAborted();
    const chainId = chain[i]!;
    const layer = { desc: manifest.layers[i]!, diffId: diffIds[i]!, chainId, parent: chain[i - 1] };
    const slot = `${snapshotter.root}\0${chainId}`;
    let applied: boolean | undefined;
    while (applied === undefined) {
      const running = inflight.get(slot);
      if (running) {
        // Another unpack in this process is applying it: share its result. If it failed
        // (its image may carry a corrupt blob for the same diffID), try with ours.
        if (
          await running.then(
            () => true,
            () => false,
          )
        )
          applied = false;
        continue;
      }
      const job = extractOnce(layer, opts, i, total).finally(() => inflight.delete(slot));
      inflight.set(slot, job);
      applied = await job;
    }
    layers.push({ chainId, diffId: layer.diffId, digest: layer.desc.digest, applied });
  }
  opts.onProgress?.({ phase: 'done', done: total, total, chainId: chain[total - 1] });
  return { chainId: chain[total - 1]!, layers };
}

interface LayerJob {
  readonly desc: Descriptor;
  readonly diffId: string;
  readonly chainId: string;
  readonly parent: string | undefined;
}

/** Makes sure the snapshot `chainId` exists; true if this call applied it. */
async function extractOnce(layer: LayerJob, opts: UnpackOptions, index: number, total: number): Promise<boolean> {
  const { snapshotter: sn, signal } = opts;
  // The key is the same for every unpacker, so the store itself (under its lock) lets only
  // one process extract a chainID; the others wait for its commit.
  const key = `extract-${layer.chainId}`;
  for (;;) {
    signal?.throwIfAborted();
    if (await committed(sn, layer.chainId)) {
      opts.onProgress?.({ phase: 'skip', done: index + 1, total, chainId: layer.chainId });
      return false;
    }
    let mounts: Mount[];
    try {
      mounts = await sn.prepare(key, layer.parent, {
        labels: { [OWNER_LABEL]: `${processIdentity()} ${randomBytes(4).toString('hex')}` },
      });
    } catch (err) {
      if ((err as SnapshotError).code !== 'ERR_SNAPSHOT_EXISTS') throw err;
      await waitForOther(sn, key, layer.chainId, signal);
      continue;
    }
    // Another unpacker may have committed the layer between our check and our prepare
    // (its commit frees the extract key): holding the key now, look again.
    if (await committed(sn, layer.chainId)) {
      await sn.remove(key);
      continue;
    }
    try {
      opts.onProgress?.({ phase: 'apply', done: index, total, chainId: layer.chainId });
      await applyInto(mounts, layer, opts);
      opts.onProgress?.({ phase: 'commit', done: index, total, chainId: layer.chainId });
      await sn.commit(layer.chainId, key, {
        labels: { [DIFF_ID_LABEL]: layer.diffId, [LAYER_DIGEST_LABEL]: layer.desc.digest },
      });
    } catch (err) {
      await sn.remove(key).catch(() => {});
      throw err;
    }
    opts.onProgress?.({ phase: 'commit', done: index + 1, total, chainId: layer.chainId });
    return true;
  }
}

/** Applies one layer into the directory the mounts expose, without mounting anything. */
async function applyInto(mounts: readonly Mount[], layer: LayerJob, opts: UnpackOptions): Promise<void> {
  const m = mounts[0];
  let dir: string;
  let whiteouts: 'oci' | 'overlay';
  let lowerdirs: string[] = [];
  if (mounts.length === 1 && m?.type === 'bind') {
    dir = m.source; // a base layer, or a native copy: whiteouts delete
    whiteouts = 'oci';
  } else if (mounts.length === 1 && m?.type === 'overlay') {
    // Straight into the upperdir, as containerd does: whiteouts become overlay markers.
    const upper = m.options.find((o) => o.startsWith('upperdir='));
    if (!upper) throw new SnapshotError('ERR_INVALID_MOUNT', `the overlay mount of ${layer.chainId} has no upperdir`);
    dir = upper.slice('upperdir='.length);
    whiteouts = 'overlay';
    // Resolve through the parents (a lower `lib -> usr/lib` is followed, and directories
    // the layer implies copy mode and owner from the lower one), as containerd does.
    const lower = m.options.find((o) => o.startsWith('lowerdir='));
    lowerdirs = lower ? lower.slice('lowerdir='.length).split(':') : [];
  } else {
    throw new SnapshotError('ERR_INVALID_MOUNT', `cannot apply into mounts ${JSON.stringify(mounts)}`);
  }
  const store = opts.contentStore;
  let blob: string | AsyncIterable<Uint8Array>;
  if (store.blobPath) {
    blob = store.blobPath(layer.desc.digest);
    await access(blob).catch((err) => {
      throw new SnapshotError(
        'ERR_UNPACK_BLOB_MISSING',
        `layer ${layer.desc.digest} of ${layer.chainId} is not in the content store; fetch the image first`,
        { key: layer.chainId, cause: err },
      );
    });
  } else {
    blob = await store.createReadStream(layer.desc);
  }
  let result: Awaited<ReturnType<typeof applyLayer>>;
  try {
    // A userxattr (rootless) overlay store needs user.overlay.* markers and no mknod/chown.
    const rootless = whiteouts === 'overlay' && opts.snapshotter.userxattr;
    result = await applyLayer(dir, blob, {
      whiteouts,
      rootless,
      lowerdirs,
      signal: opts.signal,
      expectedSize: layer.desc.size,
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_DIGEST_MISMATCH' || code === 'ERR_SIZE_MISMATCH') throw mismatch(layer, 'blob', String(err));
    throw err;
  }
  if (result.size !== layer.desc.size) {
    throw mismatch(layer, 'blob size', `read ${result.size} bytes, the manifest says ${layer.desc.size}`);
  }
  if (result.compressedDigest !== layer.desc.digest) {
    throw mismatch(layer, 'blob', `computed ${result.compressedDigest}, the manifest says ${layer.desc.digest}`);
  }
  if (result.diffId !== layer.diffId) {
    const trailing = result.trailingBytes > 0 ? ` (${result.trailingBytes} bytes follow the tar end)` : '';
    throw mismatch(layer, 'diffID', `computed ${result.diffId}${trailing}, the config says ${layer.diffId}`);
  }
}

function mismatch(layer: LayerJob, what: string, detail: string): SnapshotError {
  return new SnapshotError(
    'ERR_UNPACK_DIGEST_MISMATCH',
    `layer ${layer.desc.digest} (${layer.desc.mediaType}): wrong ${what}: ${detail}; the image is corrupt or was built wrongly, nothing was committed`,
    { key: layer.chainId },
  );
}

async function committed(sn: Snapshotter, name: string): Promise<boolean> {
  try {
    const info = await sn.stat(name);
    return info.kind === 'Committed';
  } catch (err) {
    if ((err as SnapshotError).code === 'ERR_SNAPSHOT_NOT_FOUND') return false;
    throw err;
  }
}

/** Waits while another live process extracts `key`; takes over a dead one's leftovers. */
async function waitForOther(sn: Snapshotter, key: string, chainId: string, signal?: AbortSignal): Promise<void> {
  let delay = 5;
  for (;;) {
    signal?.throwIfAborted();
    if (await committed(sn, chainId)) return;
    let owner: string | undefined;
    try {
      owner = (await sn.stat(key)).labels[OWNER_LABEL];
    } catch (err) {
      if ((err as SnapshotError).code === 'ERR_SNAPSHOT_NOT_FOUND') return; // it failed: try ourselves
      throw err;
    }
    if (owner === undefined || !identityAlive(owner)) {
      await sn.remove(key).catch(() => {}); // a killed unpacker's half-applied layer
      return;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 100);
  }
}

/** Follows an index to the manifest for the platform; parses the manifest. */
async function resolveManifest(desc: Descriptor, opts: UnpackOptions): Promise<ImageManifest> {
  for (let depth = 0; depth < 8; depth++) {
    opts.onProgress?.({ phase: 'resolve', done: 0, total: 0 });
    const bytes = await opts.contentStore.readBlob(desc);
    if (isIndexType(desc.mediaType)) {
      desc = selectManifest(parseIndex(bytes), opts.platform ?? defaultPlatform()).descriptor;
      continue;
    }
    if (isManifestType(desc.mediaType)) return parseManifest(bytes, { mediaType: desc.mediaType });
    throw new SnapshotError(
      'ERR_UNPACK_INVALID_IMAGE',
      `descriptor ${desc.digest} has media type ${desc.mediaType}, not an image manifest or index`,
    );
  }
  throw new SnapshotError('ERR_UNPACK_INVALID_IMAGE', `image ${desc.digest} nests indexes more than 8 deep`);
}
