// One repository of a registry: manifests (with the Accept-header traps of registry 2.x
// turned into clear errors), blobs (GET with Range resume, HEAD), uploads (monolithic,
// chunked, cross-repo mount) and tags. Implements BlobReader and BlobWriter for copyImage.
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import type { BlobReader, BlobWriter } from '../blob-access.js';
import type { BlobSource, Chunks } from '../content/write-blob.js';
import { type Digest, DigestVerifier, digestOf, isDigest, readAll } from '../digest.js';
import { abortError, OciImageError } from '../errors.js';
import { MAX_DOCUMENT_SIZE } from '../internal/json.js';
import { isIndexType, isManifestType, isSchema1Type, MANIFEST_ACCEPT } from '../media-types.js';
import type { Descriptor } from '../types.js';
import { type RegistryClient, registryError } from './client.js';

export interface ManifestResponse {
  readonly descriptor: Descriptor;
  readonly bytes: Buffer;
}

export interface PutBlobOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /** Upload in PATCH chunks of this many bytes instead of one PUT. */
  readonly chunkSize?: number;
  /** Try a cross-repository mount from this repository first. */
  readonly mountFrom?: string;
}

export class Repository implements BlobReader, BlobWriter {
  constructor(
    readonly client: RegistryClient,
    readonly name: string,
  ) {}

  get #pull() {
    return `repository:${this.name}:pull`;
  }
  get #push() {
    return `repository:${this.name}:pull,push`;
  }

  /** HEAD, then GET if the registry sent no digest: the descriptor a tag or digest names. */
  async resolve(reference: string, signal?: AbortSignal): Promise<Descriptor> {
    const res = await this.client.request('HEAD', `/v2/${this.name}/manifests/${reference}`, {
      headers: { accept: MANIFEST_ACCEPT },
      scope: this.#pull,
      ...(signal ? { signal } : {}),
    });
    if (res.ok) {
      const type = res.headers.get('content-type') ?? '';
      const digest = res.headers.get('docker-content-digest');
      const size = Number(res.headers.get('content-length'));
      this.#checkType(type, reference);
      if (isDigest(reference) && digest && digest !== reference) throw this.#mismatch(reference, digest);
      if (digest && isDigest(digest) && Number.isSafeInteger(size) && size > 0)
        return { mediaType: type.split(';')[0]!.trim(), digest, size };
    } else if (res.status !== 404 && res.status !== 405) {
      throw await registryError(res, `HEAD ${this.name}:${reference}`);
    }
    return (await this.getManifest(reference, signal)).descriptor;
  }

  /** GET a manifest or index; its digest is always computed from the body and checked. */
  async getManifest(reference: string, signal?: AbortSignal): Promise<ManifestResponse> {
    const res = await this.client.request('GET', `/v2/${this.name}/manifests/${reference}`, {
      headers: { accept: MANIFEST_ACCEPT },
      scope: this.#pull,
      ...(signal ? { signal } : {}),
    });
    if (!res.ok) {
      const err = await registryError(res, `GET ${this.name}:${reference}`);
      if (res.status === 404 && /accept header/i.test(err.message)) {
        throw new OciImageError(
          'ERR_REGISTRY_ACCEPT_TRAP',
          `${this.name}:${reference}: the registry refused the manifest because of the Accept header (${err.message}); send MANIFEST_ACCEPT, which lists all four manifest types`,
        );
      }
      if (res.status === 404)
        throw new OciImageError(
          'ERR_NOT_FOUND',
          `${this.name}:${reference}: manifest unknown to ${this.client.baseUrl}`,
        );
      throw err;
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    this.#checkType(type, reference);
    const bytes = await readAll(
      Readable.fromWeb(res.body as never),
      MAX_DOCUMENT_SIZE,
      `manifest ${this.name}:${reference}`,
    );
    const digest = digestOf(bytes);
    const header = res.headers.get('docker-content-digest');
    if (isDigest(reference) && digest !== reference) throw this.#mismatch(reference, digest);
    if (header && header !== digest) throw this.#mismatch(header, digest);
    return { descriptor: { mediaType: type, digest, size: bytes.length }, bytes };
  }

  #checkType(type: string, reference: string): void {
    const t = type.split(';')[0]!.trim();
    if (isSchema1Type(t)) {
      throw new OciImageError(
        'ERR_SCHEMA1_UNSUPPORTED',
        `${this.name}:${reference}: the registry answered with schema1 (${t}); registry 2.x converts schema2 to signed schema1 when the Accept header lacks schema2, and the digest it reports is not the body's`,
      );
    }
    if (t && !isManifestType(t) && !isIndexType(t))
      throw new OciImageError(
        'ERR_UNSUPPORTED_MEDIA_TYPE',
        `${this.name}:${reference}: content type ${t} is not a manifest or index`,
      );
  }

  #mismatch(want: string, got: string): OciImageError {
    return new OciImageError(
      'ERR_DIGEST_MISMATCH',
      `${this.name}: the registry said ${want} but the manifest body hashes to ${got}`,
    );
  }

  /** PUT a manifest under a tag or its digest; returns the digest. */
  async putManifest(reference: string, bytes: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<Digest> {
    const digest = digestOf(bytes);
    const res = await this.client.request('PUT', `/v2/${this.name}/manifests/${reference}`, {
      headers: { 'content-type': mediaType },
      body: bytes,
      scope: this.#push,
      retryBody: true,
      ...(signal ? { signal } : {}),
    });
    await res.body?.cancel();
    if (res.status !== 201 && res.status !== 200)
      throw await registryError(res, `PUT manifest ${this.name}:${reference}`);
    const said = res.headers.get('docker-content-digest');
    if (said && said !== digest) throw this.#mismatch(said, digest);
    return digest;
  }

  /** BlobReader: GET a blob from `offset` (Range), following redirects. The caller verifies. */
  async fetch(desc: Descriptor, offset = 0, signal?: AbortSignal): Promise<Chunks> {
    if (isManifestType(desc.mediaType) || isIndexType(desc.mediaType))
      return [(await this.getManifest(desc.digest, signal)).bytes];
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const res = await this.client.download(`/v2/${this.name}/blobs/${desc.digest}`, {
      headers,
      scope: this.#pull,
      ...(signal ? { signal } : {}),
    });
    if (res.status === 404) {
      await res.error('');
      throw new OciImageError('ERR_NOT_FOUND', `blob ${desc.digest} is not in ${this.name}`);
    }
    if (res.status < 200 || res.status >= 300) throw await res.error(`GET blob ${desc.digest}`);
    // A registry that ignores Range sends everything: skip what we already have.
    if (offset > 0 && res.status === 200) return skip(res.body, offset);
    return res.body;
  }

  /** BlobWriter: true when the registry has the blob (HEAD). */
  async has(digest: Digest, signal?: AbortSignal): Promise<boolean> {
    const res = await this.client.request('HEAD', `/v2/${this.name}/blobs/${digest}`, {
      scope: this.#pull,
      ...(signal ? { signal } : {}),
    });
    await res.body?.cancel();
    if (res.status === 404) return false;
    if (!res.ok) throw await registryError(res, `HEAD blob ${digest}`);
    return true;
  }

  /** Tries a cross-repository mount; true when the registry mounted it. */
  async mount(digest: Digest, from: string, signal?: AbortSignal): Promise<boolean> {
    const q = new URLSearchParams({ mount: digest, from });
    const res = await this.client.request('POST', `/v2/${this.name}/blobs/uploads/?${q}`, {
      scope: `${this.#push} repository:${from}:pull`,
      ...(signal ? { signal } : {}),
    });
    await res.body?.cancel();
    if (res.status === 201) return true;
    if (res.status === 202) {
      await this.#cancelUpload(res, signal);
      return false;
    }
    throw await registryError(res, `mount ${digest} from ${from}`);
  }

  /** BlobWriter: uploads a blob (monolithic PUT, or PATCH chunks); false when already there. */
  async put(desc: Descriptor, source: BlobSource, options: PutBlobOptions = {}): Promise<boolean> {
    const { signal } = options;
    if (isManifestType(desc.mediaType) || isIndexType(desc.mediaType)) {
      // Manifests go to /manifests/<digest>, so copyImage can target a repository directly.
      const bytes = await readAll(
        typeof source === 'function' ? await source(0) : source,
        MAX_DOCUMENT_SIZE,
        `manifest ${desc.digest}`,
      );
      await this.putManifest(desc.digest, bytes, desc.mediaType, signal);
      return true;
    }
    if (await this.has(desc.digest, signal)) return false;
    if (options.mountFrom && (await this.mount(desc.digest, options.mountFrom, signal))) return true;
    const start = await this.client.request('POST', `/v2/${this.name}/blobs/uploads/`, {
      scope: this.#push,
      ...(signal ? { signal } : {}),
    });
    await start.body?.cancel();
    if (start.status !== 202) throw await registryError(start, `start upload of ${desc.digest}`);
    let location = this.#location(start);
    const chunks: Chunks = typeof source === 'function' ? await source(0) : source;
    const v = new DigestVerifier(desc, `blob ${desc.digest}`);
    const counted = async function* () {
      for await (const c of chunks) {
        if (signal?.aborted) throw abortError(signal);
        v.update(c);
        options.onProgress?.(v.seen, desc.size);
        yield c;
      }
      v.verify();
    };
    const sep = (u: string) => (u.includes('?') ? '&' : '?');
    if (!options.chunkSize) {
      const url = `${location}${sep(location)}digest=${encodeURIComponent(desc.digest)}`;
      const res = await this.client.request('PUT', url, {
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) },
        body: Readable.from(counted()) as never,
        scope: this.#push,
        ...(signal ? { signal } : {}),
      });
      await res.body?.cancel();
      if (res.status !== 201) throw await registryError(res, `upload ${desc.digest}`);
      return true;
    }
    let offset = 0;
    let pending: Buffer[] = [];
    let pendingLen = 0;
    const flush = async () => {
      const body = Buffer.concat(pending, pendingLen);
      const res = await this.client.request('PATCH', location, {
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `${offset}-${offset + body.length - 1}`,
          'content-length': String(body.length),
        },
        body,
        scope: this.#push,
        retryBody: true,
        ...(signal ? { signal } : {}),
      });
      await res.body?.cancel();
      if (res.status !== 202)
        throw await registryError(res, `upload chunk ${offset}-${offset + body.length - 1} of ${desc.digest}`);
      location = this.#location(res);
      offset += body.length;
      pending = [];
      pendingLen = 0;
    };
    for await (const c of counted()) {
      pending.push(Buffer.from(c));
      pendingLen += c.length;
      if (pendingLen >= options.chunkSize) await flush();
    }
    if (pendingLen > 0) await flush();
    const res = await this.client.request(
      'PUT',
      `${location}${sep(location)}digest=${encodeURIComponent(desc.digest)}`,
      { scope: this.#push, ...(signal ? { signal } : {}) },
    );
    await res.body?.cancel();
    if (res.status !== 201) throw await registryError(res, `finish upload of ${desc.digest}`);
    return true;
  }

  async #cancelUpload(res: Response, signal?: AbortSignal): Promise<void> {
    const r = await this.client
      .request('DELETE', this.#location(res), { scope: this.#push, ...(signal ? { signal } : {}) })
      .catch(() => undefined);
    await r?.body?.cancel();
  }

  #location(res: Response): string {
    const loc = res.headers.get('location');
    if (!loc) throw new OciImageError('ERR_REGISTRY', `${this.name}: upload response without Location`);
    return new URL(loc, `${this.client.baseUrl}/`).toString();
  }

  /** GET /v2/<name>/tags/list (following Link pagination). */
  async tags(signal?: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    let path: string | undefined = `/v2/${this.name}/tags/list`;
    while (path) {
      const res = await this.client.request('GET', path, { scope: this.#pull, ...(signal ? { signal } : {}) });
      if (!res.ok) throw await registryError(res, `GET tags of ${this.name}`);
      const body = (await res.json()) as { tags?: string[] | null };
      out.push(...(body.tags ?? []));
      const link = /<([^>]+)>;\s*rel="?next"?/.exec(res.headers.get('link') ?? '');
      path = link ? new URL(link[1]!, `${this.client.baseUrl}/`).toString() : undefined;
    }
    return out;
  }

  [inspect.custom](): string {
    return `Repository <${this.client.baseUrl}/${this.name}>`;
  }
}

async function* skip(body: AsyncIterable<Uint8Array>, n: number): AsyncGenerator<Uint8Array> {
  let left = n;
  for await (const c of body) {
    if (left >= c.length) {
      left -= c.length;
      continue;
    }
    yield left > 0 ? c.subarray(left) : c;
    left = 0;
  }
}
