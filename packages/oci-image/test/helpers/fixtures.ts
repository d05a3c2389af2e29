// Builds small, deterministic test images: tar layers made with tar-stream, assembled
// by ImageBuilder into a content store.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import { type BuiltImage, ContentStore, ImageBuilder } from '../../src/index.js';

/** An uncompressed tar holding `files` (name -> content), mtime 0, mode 0644. */
export async function tarOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const p = pack();
  for (const [name, body] of Object.entries(files)) p.entry({ name, mode: 0o644, mtime: new Date(0) }, body);
  p.finalize();
  const parts: Buffer[] = [];
  for await (const c of p) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

export async function tempDir(tag: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `ctrkit-oci-${tag}-`));
}

/** A 2- or 3-layer image in a fresh store under `dir`. */
export async function sampleImage(
  dir: string,
  options: { format?: 'oci' | 'docker'; layers?: number; compression?: 'gzip' | 'none' } = {},
): Promise<{ store: ContentStore; image: BuiltImage; tars: Buffer[] }> {
  const store = await ContentStore.open(join(dir, 'content'));
  const b = new ImageBuilder({
    store,
    platform: 'linux/amd64',
    format: options.format ?? 'oci',
    created: '2023-11-14T22:13:20Z',
  });
  const tars: Buffer[] = [];
  for (let i = 0; i < (options.layers ?? 2); i++) {
    const t = await tarOf({ [`file${i}.txt`]: `layer ${i}\n`, [`dir${i}/x`]: Buffer.alloc(1000 * (i + 1), i) });
    tars.push(t);
    await b.addLayerTar([t], { compression: options.compression ?? 'gzip', history: { created_by: `layer ${i}` } });
  }
  b.env(['PATH=/bin']).cmd(['/bin/sh']).workingDir('/').labels({ 'org.example': 'yes' });
  return { store, image: await b.build(), tars };
}
