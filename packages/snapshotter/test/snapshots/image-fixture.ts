// Test images built from directory trees: GNU tar (a peer, not our writer) makes each
// layer with pinned times and owners, so digests are stable; blobs go into a ctrkit
// ContentStore and, for peers such as skopeo, into an OCI image layout.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type ContentStore, type Descriptor, type Digest, MediaTypes, writeBytes } from '@ctrkit/oci-image';

/** A layer as path → content; `null` is an empty directory, `{ link }` a symlink. Whiteouts are `.wh.` names. */
export type LayerSpec = Record<string, string | null | { link: string } | { hardlink: string }>;

export interface BuiltImage {
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly diffIds: readonly string[];
  /** Every blob by digest (manifest, config, layers). */
  readonly blobs: ReadonlyMap<string, Buffer>;
}

const sha = (b: Uint8Array): Digest => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;

/** Builds the tar of one layer spec in `work` (a scratch directory). */
export async function layerTar(
  work: string,
  spec: LayerSpec,
  members?: readonly string[],
  prepare?: (dir: string) => Promise<void>,
): Promise<Buffer> {
  await mkdir(work, { recursive: true });
  for (const [path, v] of Object.entries(spec)) {
    const p = join(work, path);
    await mkdir(dirname(p), { recursive: true });
    if (v === null) await mkdir(p, { recursive: true });
    else if (typeof v === 'string') await writeFile(p, v);
    else if ('link' in v) await symlink(v.link, p);
    else execFileSync('ln', [join(work, v.hardlink), p]);
  }
  await prepare?.(work);
  execFileSync('find', [work, '-exec', 'touch', '-h', '-d', '@1700000000', '{}', '+']);
  // `members` (no recursion) makes layers like umoci's, which leave out unchanged parents.
  const what = members ? ['--no-recursion', ...members] : ['.'];
  return execFileSync(
    'tar',
    [
      '-C',
      work,
      '--sort=name',
      ...(prepare ? [] : ['--owner=0', '--group=0']),
      '--numeric-owner',
      '--format=gnu',
      '-cf',
      '-',
      ...what,
    ],
    { maxBuffer: 1 << 28 },
  );
}

/** Builds an image (gzip layers, OCI media types) from layer specs. */
export async function buildImage(
  work: string,
  specs: readonly LayerSpec[],
  opts: {
    diffIdOverride?: Record<number, string>;
    /** Per layer index: tar only these paths (parents left out). */
    members?: Record<number, string[]>;
    /** gzip level of every layer (another level: same diffID, other blob digest). @default 6 */
    gzipLevel?: number;
    /** Per layer index: runs on the layer's directory before tar (chmod, chown). */
    prepare?: Record<number, (dir: string) => Promise<void>>;
  } = {},
): Promise<BuiltImage> {
  const blobs = new Map<string, Buffer>();
  const layers: Descriptor[] = [];
  const diffIds: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const tar = await layerTar(join(work, `layer${i}`), spec, opts.members?.[i], opts.prepare?.[i]);
    const gz = gzipSync(tar, { level: opts.gzipLevel ?? 6 });
    diffIds.push(opts.diffIdOverride?.[i] ?? sha(tar));
    const d: Descriptor = { mediaType: MediaTypes.OciLayerGzip, digest: sha(gz), size: gz.length };
    layers.push(d);
    blobs.set(d.digest, gz);
  }
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2023-11-14T22:13:20Z',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
    }),
  );
  const config: Descriptor = { mediaType: MediaTypes.OciConfig, digest: sha(configBytes), size: configBytes.length };
  blobs.set(config.digest, configBytes);
  const manifestBytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.OciManifest, config, layers }),
  );
  const manifest: Descriptor = {
    mediaType: MediaTypes.OciManifest,
    digest: sha(manifestBytes),
    size: manifestBytes.length,
  };
  blobs.set(manifest.digest, manifestBytes);
  return { manifest, config, layers, diffIds, blobs };
}

export async function storeImage(store: ContentStore, img: BuiltImage): Promise<void> {
  for (const [digest, bytes] of img.blobs) {
    if (!(await store.has(digest as Digest))) {
      await writeBytes(store, bytes, { digest: digest as Digest, size: bytes.length });
    }
  }
}

/** Writes `img` as an OCI image layout at `dir` with tag `tag` (for skopeo/umoci). */
export async function writeLayout(dir: string, img: BuiltImage, tag: string): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  for (const [digest, bytes] of img.blobs) await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  const index = {
    schemaVersion: 2,
    manifests: [{ ...img.manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  await utimes(dir, 1700000000, 1700000000);
}
