// `ctr-lite image pull | push` against a registry (distribution spec v2).
import { parseReference, pull, push, RegistryClient } from '@ctrkit/oci-image';
import type { Context } from '../context.js';
import { getImage, hostPlatform } from '../image-resolve.js';
import { printJson } from '../output.js';
import { progress } from '../progress.js';

function client(ref: string, registry: string | undefined): RegistryClient {
  return registry
    ? new RegistryClient({ baseUrl: registry })
    : new RegistryClient({ host: parseReference(ref).registryHost });
}

export async function imagePull(ctx: Context, ref: string, o: { registry?: string; platform?: string }): Promise<void> {
  const bar = progress('pull', 'bytes', !ctx.json && process.stderr.isTTY);
  let done = 0;
  let total = 0;
  const seen = new Set<string>();
  try {
    const r = await pull(ref, {
      store: ctx.content,
      images: ctx.images,
      registry: client(ref, o.registry),
      platform: o.platform ?? hostPlatform(),
      onProgress: (p) => {
        if (!seen.has(p.digest)) {
          seen.add(p.digest);
          total += p.total;
        }
        if (p.done === p.total) done += p.total;
        bar.update(p.phase, Math.min(done, total), total);
      },
    });
    bar.stop();
    if (ctx.json) printJson({ name: r.name, target: r.target, diffIds: r.diffIds, chainIds: r.chainIds });
    else console.log(`${r.name} ${r.target.digest}`);
  } finally {
    bar.stop();
  }
}

export async function imagePush(
  ctx: Context,
  name: string,
  ref: string | undefined,
  o: { registry?: string },
): Promise<void> {
  const image = await getImage(ctx, name);
  const dest = ref ?? image.name;
  const desc = await push(dest, { store: ctx.content, target: image.target, registry: client(dest, o.registry) });
  if (ctx.json) printJson({ name: dest, target: desc });
  else console.log(`${parseReference(dest).toString()} ${desc.digest}`);
}
