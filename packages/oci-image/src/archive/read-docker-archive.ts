// Reading `docker save` archives (manifest.json, repositories, <config>.json, layers as
// <diffid>.tar or <id>/layer.tar, and docker 25's blobs/sha256/<hex>) in one streaming pass:
// every large member goes straight into the content store while being hashed (for gzip
// members the diffID of the inflated bytes is hashed too), small JSON members are kept,
// and manifest.json, wherever it sits, ties them together at the end.

import { randomBytes } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { chainIds } from '../chainid.js';
import type { ContentStore } from '../content/content-store.js';
import type { ContentWriter } from '../content/types.js';
import { createDigester, type Digest, digestFromHash, digestOf, readAll } from '../digest.js';
import { abortError, OciImageError } from '../errors.js';
import { checkLayerCount, parseImageConfig } from '../image-config.js';
import type { ImageStore } from '../image-store.js';
import { MAX_DOCUMENT_SIZE } from '../internal/json.js';
import { serializeManifest } from '../manifest.js';
import { type Compression, detectCompression, MediaTypes } from '../media-types.js';
import { parseReference } from '../reference.js';
import type { Descriptor, ImageConfig, ImageManifest } from '../types.js';
import { confinedName, resolveLink } from './paths.js';
import { readRange, readRangeReusing, tarFileMembers } from './tar-file.js';

export interface ReadArchiveOptions {
  readonly store: ContentStore;
  /** When given, each RepoTag is recorded here (normalised, e.g. docker.io/library/x:tag). */
  readonly images?: ImageStore;
  readonly signal?: AbortSignal;
}

/** One image found in an archive, as stored. */
export interface ArchiveImage {
  readonly names: readonly string[];
  /** The docker schema2 manifest written for it (layers uncompressed or gzip, as found). */
  readonly descriptor: Descriptor;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
  readonly diffIds: readonly Digest[];
  readonly chainIds: readonly Digest[];
}

interface Member {
  digest: Digest;
  size: number;
  compression: Compression;
  diffId: Digest;
}

const SMALL = /(^|\/)(manifest\.json|repositories|index\.json|oci-layout|VERSION|json|[^/]*\.json)$/;

/** Reads a docker archive from a path or a stream into `options.store`. */
export async function readDockerArchive(
  input: string | Readable,
  options: ReadArchiveOptions,
): Promise<ArchiveImage[]> {
  const { store, signal } = options;
  signal?.throwIfAborted();
  const small = new Map<string, Buffer>();
  const members = new Map<string, Member>();
  const links = new Map<string, string>();
  const added: Digest[] = [];
  const commits: Promise<void>[] = [];
  const archive = typeof input === 'string' ? await fileEntries(input) : streamEntries(input);
  const onAbort = () => archive.cancel(abortError(signal!));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const entry of archive.entries) {
      signal?.throwIfAborted();
      const name = confinedName(entry.name);
      if (entry.type === 'symlink' || entry.type === 'link') {
        links.set(name, entry.type === 'symlink' ? resolveLink(name, entry.linkname) : confinedName(entry.linkname));
        entry.skip();
      } else if (entry.type !== 'file') {
        entry.skip();
      } else if (SMALL.test(name) && entry.size <= MAX_DOCUMENT_SIZE) {
        small.set(name, await entry.read());
      } else {
        const { done } = await ingestMember(store, entry, name, added);
        const recorded = done.then((m) => void members.set(name, m));
        recorded.catch(() => {}); // awaited by settle(); keeps an early failure from going unhandled
        commits.push(recorded);
      }
    }
    await settle(commits);
    const images = await assemble(small, members, links, store, added);
    if (options.images) {
      for (const img of images)
        for (const n of img.names) await options.images.put({ name: n, target: img.descriptor });
    }
    return images;
  } catch (err) {
    await Promise.allSettled(commits);
    // Leave the store as it was: drop the blobs this read added.
    for (const d of added) await store.delete(d).catch(() => {});
    // An abort wins over whatever it interrupted (a member's ingest wraps what it sees).
    if (signal?.aborted) throw abortError(signal);
    if (err instanceof OciImageError) throw err;
    if ((err as Error).name === 'AbortError') throw err;
    throw new OciImageError('ERR_INVALID_ARCHIVE', `cannot read the docker archive: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await archive.close();
  }
}

/** One archive member as both readers present it. */
interface Entry {
  readonly name: string;
  readonly linkname: string;
  readonly type: 'file' | 'link' | 'symlink' | 'other';
  readonly size: number;
  /** The data. With `transient`, a chunk is only valid until the next one is requested. */
  body(): AsyncIterable<Buffer>;
  readonly transient: boolean;
  /** All the data in one buffer (small members). */
  read(): Promise<Buffer>;
  skip(): void;
}

interface Entries {
  readonly entries: AsyncIterable<Entry>;
  cancel(reason: Error): void;
  close(): Promise<void>;
}

/** A path is walked by offset (tar-file.ts): headers where they sit, data by range into one reused buffer. */
async function fileEntries(path: string): Promise<Entries> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'ERR_NOT_FOUND' : 'ERR_INVALID_ARCHIVE';
    throw new OciImageError(code, `cannot open the docker archive ${JSON.stringify(path)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let cancelled: Error | undefined;
  // An abort stops a member mid-way too, at the next 1 MiB read.
  async function* ranged(offset: number, size: number): AsyncGenerator<Buffer> {
    for await (const c of readRangeReusing(fh, offset, size, WRITE_RUN)) {
      if (cancelled) throw cancelled;
      yield c;
    }
  }
  async function* walk(): AsyncGenerator<Entry> {
    for await (const m of tarFileMembers(fh)) {
      if (cancelled) throw cancelled;
      yield {
        name: m.name,
        linkname: m.linkname,
        type: m.type === 'file' || m.type === 'link' || m.type === 'symlink' ? m.type : 'other',
        size: m.size,
        body: () => ranged(m.offset, m.size),
        transient: true,
        read: () => readRange(fh, m.offset, m.size),
        skip: () => {},
      };
    }
  }
  return {
    entries: walk(),
    cancel: (reason) => {
      cancelled = reason;
    },
    close: () => fh.close(),
  };
}

/** A stream goes through tar-stream's parser. */
function streamEntries(source: Readable): Entries {
  const ex = extract();
  source.on('error', (err: Error) => ex.destroy(err));
  source.pipe(ex);
  async function* walk(): AsyncGenerator<Entry> {
    for await (const e of ex) {
      const h = e.header;
      const type =
        h.type === 'file' || h.type === 'contiguous-file'
          ? 'file'
          : h.type === 'link' || h.type === 'symlink'
            ? h.type
            : 'other';
      yield {
        name: h.name,
        linkname: h.linkname ?? '',
        type,
        size: h.size ?? 0,
        body: () => e as AsyncIterable<Buffer>,
        transient: false,
        read: () => readAll(e as AsyncIterable<Buffer>, MAX_DOCUMENT_SIZE, h.name),
        skip: () => e.resume(),
      };
    }
  }
  return {
    entries: walk(),
    cancel: (reason) => ex.destroy(reason),
    close: async () => {
      source.unpipe(ex);
    },
  };
}

// Members are written in ~1 MiB runs (one writev each); the commit (fsync + link) runs in the background
// while the next member streams in, so the disk flush overlaps the read.
const WRITE_RUN = 1 << 20;

async function ingestMember(
  store: ContentStore,
  entry: Entry,
  name: string,
  added: Digest[],
): Promise<{ done: Promise<Member> }> {
  const w: ContentWriter = await store.writer(`docker-archive-${randomBytes(8).toString('hex')}`);
  let compression: Compression | undefined;
  const diff = createDigester();
  let gunzip: ReturnType<typeof createGunzip> | undefined;
  let inflated: Promise<void> | undefined;
  const fail = async (err: unknown): Promise<never> => {
    await w.close();
    await store.abort(w.ref).catch(() => {});
    throw new OciImageError('ERR_INVALID_ARCHIVE', `archive member ${name}: ${(err as Error).message}`, { cause: err });
  };
  try {
    let run: Buffer[] = [];
    let runLen = 0;
    const flush = async () => {
      if (runLen === 0) return;
      const chunks = run;
      run = [];
      runLen = 0;
      if (gunzip) {
        let ok = true;
        for (const c of chunks) ok = gunzip.write(c);
        if (!ok) await new Promise((r) => gunzip!.once('drain', r));
      }
      await w.write(chunks);
    };
    for await (const chunk of entry.body()) {
      // A reused buffer must be copied before zlib holds on to it; the store's write is
      // awaited before the next chunk is requested, so it may use the buffer directly.
      const c = entry.transient && gunzip ? Buffer.from(chunk) : chunk;
      if (compression === undefined) {
        compression = detectCompression(c);
        if (compression === 'gzip') {
          gunzip = createGunzip();
          const g = gunzip;
          inflated = (async () => {
            for await (const d of g) diff.update(d as Buffer);
          })();
        }
      }
      run.push(c);
      runLen += c.length;
      if (runLen >= WRITE_RUN || entry.transient) await flush();
    }
    await flush();
    gunzip?.end();
    await inflated;
  } catch (err) {
    return fail(err);
  }
  const size = w.offset;
  const kind = compression ?? 'none';
  const committed = w.commit().then(
    (digest) => {
      added.push(digest);
      return digest;
    },
    (err) => {
      if ((err as { code?: string }).code === 'ERR_ALREADY_EXISTS') return w.digest();
      return fail(err);
    },
  );
  // Hand back a promise so the caller can read on while this one is flushed to disk.
  return {
    done: committed.then((digest) => ({
      digest,
      size,
      compression: kind,
      diffId: kind === 'gzip' ? digestFromHash('sha256', diff) : digest,
    })),
  };
}

interface ManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

async function assemble(
  small: Map<string, Buffer>,
  members: Map<string, Member>,
  links: Map<string, string>,
  store: ContentStore,
  added: Digest[],
): Promise<ArchiveImage[]> {
  const raw = small.get('manifest.json');
  if (!raw)
    throw new OciImageError('ERR_INVALID_ARCHIVE', 'no manifest.json in the archive; is this a `docker save` archive?');
  let entries: ManifestEntry[];
  try {
    entries = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new OciImageError('ERR_INVALID_ARCHIVE', `manifest.json is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(entries))
    throw new OciImageError('ERR_INVALID_ARCHIVE', 'manifest.json: expected an array of images');
  const follow = (name: string): string => {
    let n = name;
    for (let i = 0; i < 16 && links.has(n); i++) n = links.get(n)!;
    return n;
  };
  const out: ArchiveImage[] = [];
  for (const [i, e] of entries.entries()) {
    if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers))
      throw new OciImageError('ERR_INVALID_ARCHIVE', `manifest.json[${i}]: needs Config (string) and Layers (array)`);
    const configName = follow(confinedName(e.Config, `manifest.json[${i}].Config`));
    const ingested = members.get(configName);
    const configBytes =
      small.get(configName) ??
      (ingested && ingested.size <= MAX_DOCUMENT_SIZE ? await store.readBlob(ingested) : undefined);
    if (!configBytes)
      throw new OciImageError('ERR_INVALID_ARCHIVE', `manifest.json[${i}].Config: ${configName} is not in the archive`);
    const config = parseImageConfig(configBytes);
    const layers: Descriptor[] = [];
    const diffIds: Digest[] = [];
    for (const [j, l] of e.Layers.entries()) {
      const lname = follow(confinedName(String(l), `manifest.json[${i}].Layers[${j}]`));
      const m = members.get(lname);
      if (!m)
        throw new OciImageError(
          'ERR_INVALID_ARCHIVE',
          `manifest.json[${i}].Layers[${j}]: ${lname} is not in the archive`,
        );
      layers.push({
        mediaType: m.compression === 'gzip' ? MediaTypes.DockerLayerGzip : MediaTypes.DockerLayer,
        digest: m.digest,
        size: m.size,
      });
      diffIds.push(m.diffId);
    }
    const configDesc: Descriptor = {
      mediaType: MediaTypes.DockerConfig,
      digest: digestOf(configBytes),
      size: configBytes.length,
    };
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.DockerManifest,
      config: configDesc,
      layers,
    };
    checkLayerCount(manifest, config);
    config.rootfs.diff_ids.forEach((want, j) => {
      if (diffIds[j] !== want) {
        throw new OciImageError(
          'ERR_DIGEST_MISMATCH',
          `manifest.json[${i}].Layers[${j}]: the layer's diffID is ${diffIds[j]} but the config says ${want} (wrong diff id)`,
        );
      }
    });
    const bytes = serializeManifest(manifest);
    const descriptor: Descriptor = {
      mediaType: MediaTypes.DockerManifest,
      digest: digestOf(bytes),
      size: bytes.length,
    };
    if (await store.put(configDesc, [configBytes])) added.push(configDesc.digest);
    if (await store.put(descriptor, [bytes])) added.push(descriptor.digest);
    const names = (e.RepoTags ?? []).map((t, k) => {
      try {
        return parseReference(t).toString();
      } catch (err) {
        throw new OciImageError('ERR_INVALID_ARCHIVE', `manifest.json[${i}].RepoTags[${k}]: ${(err as Error).message}`);
      }
    });
    out.push({ names, descriptor, manifest, config, diffIds, chainIds: chainIds(diffIds) });
  }
  return out;
}

async function settle(tasks: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
