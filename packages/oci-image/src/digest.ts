// Content digests (`sha256:<64 hex>`, `sha512:<128 hex>`): parsing, hashing of
// buffers and streams with node:crypto, and a pass-through verifier.
import { createHash, type Hash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { OciImageError } from './errors.js';

/** A validated digest string such as `sha256:e3b0c4…`. */
export type Digest = string & { readonly __digest: unique symbol };

/** The digest algorithms this package hashes. */
export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };
const SHAPE = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

/** True when `s` is a well-formed digest of a supported algorithm. */
export function isDigest(s: unknown): s is Digest {
  if (typeof s !== 'string') return false;
  const m = SHAPE.exec(s);
  if (!m) return false;
  const len = HEX_LENGTH[m[1] as DigestAlgorithm];
  return len !== undefined && m[2]!.length === len && /^[0-9a-f]+$/.test(m[2]!);
}

/**
 * Validates `s` as a digest and returns it typed.
 * @throws OciImageError ERR_INVALID_DIGEST naming what is wrong (`where` prefixes the message).
 */
export function parseDigest(s: unknown, where = 'digest'): Digest {
  if (typeof s !== 'string')
    throw new OciImageError('ERR_INVALID_DIGEST', `${where}: expected a string, got ${typeof s}`);
  const m = SHAPE.exec(s);
  if (!m) {
    throw new OciImageError('ERR_INVALID_DIGEST', `${where}: ${JSON.stringify(s)} is not "<algorithm>:<encoded>"`);
  }
  const alg = m[1]!;
  const hex = m[2]!;
  const len = HEX_LENGTH[alg as DigestAlgorithm];
  if (len === undefined) {
    throw new OciImageError(
      'ERR_INVALID_DIGEST',
      `${where}: algorithm ${JSON.stringify(alg)} is not supported (use sha256 or sha512)`,
    );
  }
  if (hex.length !== len || !/^[0-9a-f]+$/.test(hex)) {
    throw new OciImageError(
      'ERR_INVALID_DIGEST',
      `${where}: ${alg} needs ${len} lowercase hex characters, got ${JSON.stringify(hex)}`,
    );
  }
  return s as Digest;
}

/** The algorithm part of a digest. */
export function digestAlgorithm(d: Digest): DigestAlgorithm {
  return d.slice(0, d.indexOf(':')) as DigestAlgorithm;
}

/** The hex part of a digest. */
export function digestHex(d: Digest): string {
  return d.slice(d.indexOf(':') + 1);
}

/** A node:crypto hash for `algorithm`. */
export function createDigester(algorithm: DigestAlgorithm = 'sha256'): Hash {
  return createHash(algorithm);
}

/** Formats a finished hash as a digest. */
export function digestFromHash(algorithm: DigestAlgorithm, hash: Hash): Digest {
  return `${algorithm}:${hash.digest('hex')}` as Digest;
}

/** Hashes bytes, a string (UTF-8), a Node readable or any async iterable of chunks. */
export function digestOf(input: Uint8Array | string, algorithm?: DigestAlgorithm): Digest;
export function digestOf(input: AsyncIterable<Uint8Array> | Readable, algorithm?: DigestAlgorithm): Promise<Digest>;
export function digestOf(
  input: Uint8Array | string | AsyncIterable<Uint8Array> | Readable,
  algorithm: DigestAlgorithm = 'sha256',
): Digest | Promise<Digest> {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    return digestFromHash(algorithm, createHash(algorithm).update(input));
  }
  return (async () => {
    const h = createHash(algorithm);
    for await (const chunk of input as AsyncIterable<Uint8Array>) h.update(chunk);
    return digestFromHash(algorithm, h);
  })();
}

/**
 * Incremental verification: feed chunks with `update` (which fails as soon as more than
 * `expected.size` bytes arrive), then `verify()` checks size and digest.
 */
export class DigestVerifier {
  readonly #alg: DigestAlgorithm;
  readonly #hash: Hash;
  #seen = 0;
  constructor(
    readonly expected: { digest: Digest; size?: number },
    readonly where = 'blob',
  ) {
    this.#alg = digestAlgorithm(parseDigest(expected.digest));
    this.#hash = createHash(this.#alg);
  }
  get seen(): number {
    return this.#seen;
  }
  update(chunk: Uint8Array): void {
    this.#seen += chunk.length;
    if (this.expected.size !== undefined && this.#seen > this.expected.size)
      throw sizeMismatch(this.where, this.expected.size, this.#seen, true);
    this.#hash.update(chunk);
  }
  verify(): void {
    if (this.expected.size !== undefined && this.#seen !== this.expected.size)
      throw sizeMismatch(this.where, this.expected.size, this.#seen, false);
    const got = digestFromHash(this.#alg, this.#hash);
    if (got !== this.expected.digest) {
      throw new OciImageError(
        'ERR_DIGEST_MISMATCH',
        `${this.where}: content hashes to ${got}, expected ${this.expected.digest}; the blob is corrupt or was tampered with, fetch it again`,
      );
    }
  }
}

/**
 * A pass-through stream that hashes and counts what flows through it and, at the end,
 * fails with ERR_SIZE_MISMATCH or ERR_DIGEST_MISMATCH instead of finishing. Bytes past
 * `expected.size` fail at once, so an endless body cannot run on.
 */
export function verifyDigest(expected: { digest: Digest; size?: number }, where?: string): Transform;
/** The same, piped from `stream`: `stream.pipe(verifyDigest(desc))` with the source's errors forwarded. */
export function verifyDigest(stream: Readable, expected: { digest: Digest; size?: number }, where?: string): Transform;
export function verifyDigest(
  a: Readable | { digest: Digest; size?: number },
  b?: { digest: Digest; size?: number } | string,
  c?: string,
): Transform {
  if (a instanceof Readable) {
    const t = verifyDigest(b as { digest: Digest; size?: number }, c);
    a.on('error', (err) => t.destroy(err));
    return a.pipe(t);
  }
  const v = new DigestVerifier(a, (b as string | undefined) ?? 'blob');
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      try {
        v.update(chunk);
      } catch (err) {
        cb(err as Error);
        return;
      }
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      try {
        v.verify();
      } catch (err) {
        cb(err as Error);
        return;
      }
      cb();
    },
  });
}

function sizeMismatch(where: string, want: number, got: number, over: boolean): OciImageError {
  return new OciImageError(
    'ERR_SIZE_MISMATCH',
    `${where}: ${over ? 'more than' : 'got'} ${got} bytes, expected ${want}; the blob is truncated, padded or not the one described`,
  );
}

/** Checks bytes in memory against a digest (and size); throws the same errors as verifyDigest. */
export function verifyBytes(bytes: Uint8Array, expected: { digest: Digest; size?: number }, where = 'blob'): void {
  if (expected.size !== undefined && bytes.length !== expected.size) {
    throw sizeMismatch(where, expected.size, bytes.length, false);
  }
  const got = digestOf(bytes, digestAlgorithm(expected.digest));
  if (got !== expected.digest) {
    throw new OciImageError('ERR_DIGEST_MISMATCH', `${where}: content hashes to ${got}, expected ${expected.digest}`);
  }
}

/** Collects a readable into one Buffer, failing once more than `limit` bytes arrive. */
export async function readAll(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  limit: number,
  where: string,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of input) {
    n += chunk.length;
    if (n > limit) {
      if (input instanceof Readable) input.destroy();
      throw new OciImageError('ERR_DOCUMENT_TOO_LARGE', `${where}: more than ${limit} bytes; refusing to buffer it`);
    }
    parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(parts, n);
}
