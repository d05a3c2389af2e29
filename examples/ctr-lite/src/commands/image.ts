// `ctr-lite image …`: import, build, export, list, inspect and remove images.
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  chainIds,
  copyImage,
  type Descriptor,
  ImageBuilder,
  OciLayout,
  parseReference,
  readDockerArchive,
  writeDockerArchive,
} from '@ctrkit/oci-image';
import { diffTrees } from '@ctrkit/snapshotter';
import type { Context } from '../context.js';
import { hostPlatform, normalizeName, resolveImage } from '../image-resolve.js';
import { bytes, CliError, printJson, printList } from '../output.js';
import { progress } from '../progress.js';

/** `image import <docker-archive.tar | oci-layout-dir>`: returns the names recorded. */
export async function imageImport(ctx: Context, path: string, opts: { name?: string } = {}): Promise<string[]> {
  const st = await stat(path).catch(() => {
    throw new CliError(
      'ERR_NOT_FOUND',
      `${path} does not exist`,
      'give a docker-archive tar file or an OCI layout directory',
    );
  });
  const bar = progress('import', 'items', !ctx.json && process.stderr.isTTY);
  try {
    if (st.isFile()) {
      const found = await readDockerArchive(path, { store: ctx.content, images: ctx.images });
      const names = found.flatMap((i) => i.names.map(normalizeName));
      if (opts.name && found[0]) {
        await ctx.images.put({ name: normalizeName(opts.name), target: found[0].descriptor });
        names.push(normalizeName(opts.name));
      }
      if (names.length === 0)
        throw new CliError('ERR_NO_IMAGES', `${path} has no tagged image`, 'pass --name to record it');
      return names;
    }
    const layout = await OciLayout.open(path);
    const tags = await layout.listTags();
    if (tags.length === 0) throw new CliError('ERR_NO_IMAGES', `${path} has no tagged image in index.json`);
    const names: string[] = [];
    for (const { tag, descriptor } of tags) {
      await copyImage(descriptor, {
        from: layout,
        to: ctx.content,
        platform: 'all',
        onProgress: (p) => bar.update(p.phase, p.done, p.total),
      });
      const name = normalizeName(layoutName(tag, opts.name ?? basename(resolve(path))));
      await ctx.images.put({ name, target: descriptor });
      names.push(name);
    }
    return names;
  } finally {
    bar.stop();
  }
}

// A layout's ref.name is often a bare tag (`latest`); then the directory names the repo.
function layoutName(tag: string, base: string): string {
  if (tag.includes('/') || tag.includes('@')) return tag;
  if (base.includes(':')) return base;
  return `${base.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}:${tag}`;
}

export interface BuildOptions {
  readonly from: string;
  readonly tag: string;
  readonly cmd?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly env?: readonly string[];
  readonly workdir?: string;
  readonly user?: string;
}

/** `image build --from DIR --tag NAME`: a one-layer image; the same tree gives the same digests. */
export async function imageBuild(ctx: Context, o: BuildOptions): Promise<Descriptor> {
  const st = await stat(o.from).catch(() => null);
  if (!st?.isDirectory()) throw new CliError('ERR_NOT_FOUND', `--from ${o.from} is not a directory`);
  // Reproducible: file times clamped to the epoch, no build timestamps in the config.
  const layer = diffTrees(null, o.from, { compression: 'none', sourceDateEpoch: 0 });
  const b = new ImageBuilder({ store: ctx.content, platform: hostPlatform(), created: '1970-01-01T00:00:00Z' });
  await b.addLayerTar(layer, {
    compression: 'gzip',
    history: { created_by: `ctr-lite image build --from ${basename(o.from)}` },
  });
  if (o.env?.length) b.env(o.env);
  if (o.entrypoint?.length) b.entrypoint(o.entrypoint);
  if (o.cmd?.length) b.cmd(o.cmd);
  if (o.workdir) b.workingDir(o.workdir);
  if (o.user) b.user(o.user);
  const built = await b.build();
  await ctx.images.put({ name: normalizeName(o.tag), target: built.descriptor });
  return built.descriptor;
}

/** `image export NAME --format oci|docker-archive --output PATH`. */
export async function imageExport(ctx: Context, name: string, format: string, output: string): Promise<void> {
  const { image } = await resolveImage(ctx, name);
  if (format === 'docker-archive') {
    await writeDockerArchive([{ names: [image.name], target: image.target }], output, { store: ctx.content });
    return;
  }
  if (format !== 'oci')
    throw new CliError('ERR_INVALID_ARGUMENT', `unknown --format ${format}`, 'use oci or docker-archive');
  const layout = await OciLayout.create(output);
  await copyImage(image.target, { from: ctx.content, to: layout, platform: 'all' });
  await layout.addImage(image.target, { tag: parseReference(image.name).tag ?? 'latest' });
}

export async function imageList(ctx: Context): Promise<void> {
  const rows = [];
  for (const img of await ctx.images.list()) {
    const r = await resolveImage(ctx, img.name).catch(() => null);
    const size = r ? r.manifest.layers.reduce((n, l) => n + l.size, r.manifest.config.size) : undefined;
    rows.push({
      name: img.name,
      digest: img.target.digest,
      size: ctx.json ? size : size === undefined ? undefined : bytes(size),
      platform: r ? `${r.config.os}/${r.config.architecture}` : undefined,
      created: img.createdAt,
    });
  }
  const shown = ctx.json ? rows : rows.map((r) => ({ ...r, digest: r.digest.slice(0, 19) }));
  printList(shown, ['name', 'digest', 'size', 'platform', 'created'], ctx.json);
}

export async function imageInspect(ctx: Context, name: string): Promise<void> {
  const r = await resolveImage(ctx, name);
  const diffIds = r.config.rootfs.diff_ids;
  printJson({
    name: r.image.name,
    target: r.image.target,
    manifestDescriptor: r.manifestDescriptor,
    manifest: r.manifest,
    config: r.config,
    diffIds,
    chainIds: chainIds(diffIds),
  });
}

export async function imageRemove(ctx: Context, names: readonly string[]): Promise<void> {
  for (const n of names) {
    await resolveImage(ctx, n);
    await ctx.images.delete(normalizeName(n));
    if (!ctx.json) console.log(normalizeName(n));
  }
}
