// Named images: name -> target descriptor, with labels and times. One JSON file per name
// under `<root>/<sha256(name)>.json`, written to a temp file and renamed (updates) or
// linked (creates, which must not replace), so a reader never sees a torn record.
import { link, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { compileFilters } from './content/filters.js';
import { parseDescriptor } from './descriptor.js';
import { digestHex, digestOf } from './digest.js';
import { OciImageError } from './errors.js';
import type { Descriptor } from './types.js';

/** An image record. */
export interface Image {
  readonly name: string;
  readonly target: Descriptor;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type ImageInput = Pick<Image, 'name' | 'target'> & { readonly labels?: Readonly<Record<string, string>> };

export class ImageStore {
  private constructor(readonly root: string) {}

  static async open(root: string): Promise<ImageStore> {
    await mkdir(root, { recursive: true });
    return new ImageStore(root);
  }

  #path(name: string): string {
    return join(this.root, `${digestHex(digestOf(name))}.json`);
  }

  /** @throws ERR_NOT_FOUND */
  async get(name: string): Promise<Image> {
    const raw = await readFile(this.#path(name), 'utf8').catch((err) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new OciImageError('ERR_NOT_FOUND', `image ${JSON.stringify(name)} is not in the image store`);
      throw err;
    });
    return decode(raw);
  }

  /** Images matching any filter (`name==x`, `name~=re`, `target.digest==d`, `labels.k==v`). */
  async list(...filters: string[]): Promise<Image[]> {
    const match = compileFilters(filters);
    const out: Image[] = [];
    for (const f of await readdir(this.root)) {
      if (!f.endsWith('.json')) continue;
      const img = decode(await readFile(join(this.root, f), 'utf8').catch(() => 'null'));
      if (!img) continue;
      const get = (field: string) =>
        field === 'name'
          ? img.name
          : field === 'target.digest' || field === 'target'
            ? img.target.digest
            : field === 'target.mediaType'
              ? img.target.mediaType
              : field.startsWith('labels.')
                ? img.labels[field.slice(7)]
                : undefined;
      if (match(get)) out.push(img);
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** @throws ERR_ALREADY_EXISTS */
  async create(image: ImageInput): Promise<Image> {
    const now = new Date();
    const rec = record(image, now, now);
    const tmp = await this.#tmp(rec);
    try {
      await link(tmp, this.#path(image.name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new OciImageError(
          'ERR_ALREADY_EXISTS',
          `image ${JSON.stringify(image.name)} already exists; use update or put`,
        );
      throw err;
    } finally {
      await unlink(tmp).catch(() => {});
    }
    return rec;
  }

  /** Replaces target and labels (or only `fieldpaths`: `target`, `labels`, `labels.k`). @throws ERR_NOT_FOUND */
  async update(image: ImageInput, fieldpaths?: readonly string[]): Promise<Image> {
    const cur = await this.get(image.name);
    let target = image.target;
    let labels: Record<string, string> = { ...(image.labels ?? {}) };
    if (fieldpaths && fieldpaths.length > 0) {
      target = fieldpaths.includes('target') ? image.target : cur.target;
      labels = fieldpaths.includes('labels') ? labels : { ...cur.labels };
      for (const p of fieldpaths.filter((f) => f.startsWith('labels.'))) {
        const v = image.labels?.[p.slice(7)];
        if (v === undefined) delete labels[p.slice(7)];
        else labels[p.slice(7)] = v;
      }
    }
    const rec = record({ name: image.name, target, labels }, cur.createdAt, new Date());
    await rename(await this.#tmp(rec), this.#path(image.name));
    return rec;
  }

  /** Creates or updates. */
  async put(image: ImageInput): Promise<Image> {
    try {
      return await this.create(image);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_ALREADY_EXISTS') throw err;
      return this.update(image);
    }
  }

  /** @throws ERR_NOT_FOUND */
  async delete(name: string): Promise<void> {
    await unlink(this.#path(name)).catch((err) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new OciImageError('ERR_NOT_FOUND', `image ${JSON.stringify(name)} is not in the image store`);
      throw err;
    });
  }

  async #tmp(rec: Image): Promise<string> {
    const tmp = join(this.root, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    await writeFile(
      tmp,
      JSON.stringify({ ...rec, createdAt: rec.createdAt.toISOString(), updatedAt: rec.updatedAt.toISOString() }),
    );
    return tmp;
  }

  [inspect.custom](): string {
    return `ImageStore <${this.root}>`;
  }
}

function record(image: ImageInput, createdAt: Date, updatedAt: Date): Image {
  if (typeof image.name !== 'string' || image.name === '')
    throw new OciImageError('ERR_INVALID_ARGUMENT', 'an image needs a non-empty name');
  const target = parseDescriptor(image.target, 'target', 'ERR_INVALID_ARGUMENT');
  const labels = { ...(image.labels ?? {}) };
  for (const [k, v] of Object.entries(labels)) if (v === '') delete labels[k];
  return { name: image.name, target, labels, createdAt, updatedAt };
}

function decode(raw: string): Image {
  const o = JSON.parse(raw);
  return o && { ...o, createdAt: new Date(o.createdAt), updatedAt: new Date(o.updatedAt) };
}
