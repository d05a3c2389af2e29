// From an image name in the store to its manifest and config for this platform.
import {
  type Descriptor,
  type Image,
  type ImageConfig,
  type ImageManifest,
  isIndexType,
  parseImageConfig,
  parseIndex,
  parseManifest,
  parseReference,
  selectManifest,
} from '@ctrkit/oci-image';
import type { Context } from './context.js';
import { CliError } from './output.js';

export interface ResolvedImage {
  readonly image: Image;
  readonly manifestDescriptor: Descriptor;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
}

/** `busybox` → `docker.io/library/busybox:latest`, as containerd names images. */
export function normalizeName(name: string): string {
  return parseReference(name).toString();
}

export async function getImage(ctx: Context, name: string): Promise<Image> {
  const full = normalizeName(name);
  try {
    return await ctx.images.get(full);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_NOT_FOUND') {
      throw new CliError(
        'ERR_IMAGE_NOT_FOUND',
        `image ${full} is not in the store`,
        'see `ctr-lite image ls`, or import, pull or build it first',
      );
    }
    throw err;
  }
}

export async function resolveImage(ctx: Context, name: string, platform?: string): Promise<ResolvedImage> {
  const image = await getImage(ctx, name);
  let desc = image.target;
  for (let depth = 0; isIndexType(desc.mediaType); depth++) {
    if (depth > 4) throw new CliError('ERR_INVALID_IMAGE', `image ${image.name}: indexes nested too deeply`);
    const index = parseIndex(await ctx.content.readBlob(desc));
    desc = selectManifest(index, platform ?? hostPlatform()).descriptor;
  }
  const manifest = parseManifest(await ctx.content.readBlob(desc));
  const config = parseImageConfig(await ctx.content.readBlob(manifest.config));
  return { image, manifestDescriptor: desc, manifest, config };
}

export function hostPlatform(): string {
  const arch = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' }[
    process.arch as string
  ];
  return `linux/${arch ?? process.arch}`;
}
