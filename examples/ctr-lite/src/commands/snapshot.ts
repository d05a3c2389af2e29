// `ctr-lite snapshot ls | diff` and `container commit`: the seed's "upperdir becomes a
// lowerdir" — a container's overlay upperdir turned into a new layer on its image.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { type Descriptor, ImageBuilder } from '@ctrkit/oci-image';
import { diffOverlayUpper, type Mount } from '@ctrkit/snapshotter';
import type { Context } from '../context.js';
import { hostPlatform, normalizeName, resolveImage } from '../image-resolve.js';
import { CliError, printJson, printList } from '../output.js';
import { loadRecord } from '../records.js';

export async function snapshotList(ctx: Context): Promise<void> {
  const snap = await ctx.snapshotter();
  const rows = [];
  for await (const s of snap.walk()) rows.push({ name: s.name, kind: s.kind, parent: s.parent, created: s.created });
  printList(rows, ['name', 'kind', 'parent', 'created'], ctx.json);
}

/** The overlay layout of an Active snapshot: its upperdir and lowerdirs (top first). */
function overlayDirs(mounts: readonly Mount[], key: string): { upper: string; lowers: string[] } {
  const m = mounts[0];
  const opt = (name: string) => m?.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);
  const upper = opt('upperdir');
  if (m?.type !== 'overlay' || !upper) {
    throw new CliError(
      'ERR_NOT_ACTIVE',
      `snapshot ${key} has no overlay upperdir`,
      'diff and commit work on an Active overlayfs snapshot (a container)',
    );
  }
  return { upper, lowers: (opt('lowerdir') ?? '').split(':').filter(Boolean) };
}

function changesOf(mounts: readonly Mount[], key: string) {
  const { upper, lowers } = overlayDirs(mounts, key);
  return diffOverlayUpper(upper, lowers, { compression: 'none', sourceDateEpoch: 0 });
}

/** `snapshot diff KEY -o FILE`: the snapshot's changes as a gzip layer. */
export async function snapshotDiff(ctx: Context, key: string, output: string): Promise<void> {
  const snap = await ctx.snapshotter();
  const mounts = await snap.mounts(key);
  const { upper, lowers } = overlayDirs(mounts, key);
  const layer = diffOverlayUpper(upper, lowers, { compression: 'gzip', sourceDateEpoch: 0 });
  await pipeline(layer, createWriteStream(output));
  const d = await layer.digests;
  if (ctx.json) printJson(d);
  else console.log(`${output}: ${d.digest} (diffID ${d.diffId}, ${d.entries} entries, ${d.size} bytes)`);
}

/** `container commit ID NAME`: the image's layers plus the container's changes as one more. */
export async function commit(ctx: Context, id: string, name: string): Promise<Descriptor> {
  const rec = await loadRecord(ctx.paths, id);
  const snap = await ctx.snapshotter();
  const base = await resolveImage(ctx, rec.image);
  const b = new ImageBuilder({ store: ctx.content, platform: hostPlatform(), created: new Date().toISOString() });
  for (const [i, layer] of base.manifest.layers.entries()) {
    const diffId = base.config.rootfs.diff_ids[i];
    await b.addLayer(layer, diffId ? { diffId } : {});
  }
  await b.addLayerTar(changesOf(await snap.mounts(rec.snapshotKey), rec.snapshotKey), {
    compression: 'gzip',
    history: { created_by: `ctr-lite container commit ${id}` },
  });
  const c = base.config.config ?? {};
  if (c.Env) b.env(c.Env);
  if (c.Entrypoint) b.entrypoint(c.Entrypoint);
  if (c.Cmd) b.cmd(c.Cmd);
  if (c.WorkingDir) b.workingDir(c.WorkingDir);
  if (c.User) b.user(c.User);
  if (c.Labels) b.labels(c.Labels);
  const built = await b.build();
  await ctx.images.put({ name: normalizeName(name), target: built.descriptor });
  return built.descriptor;
}
