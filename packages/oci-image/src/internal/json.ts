// Strict readers for JSON documents: every failure names the JSON path and the error code
// of the document being read (ERR_INVALID_MANIFEST: layers[2].digest: ...).
import { type ErrorCode, OciImageError } from '../errors.js';

/** containerd's MaxManifestSize: manifests, indexes and configs above it are refused. */
export const MAX_DOCUMENT_SIZE = 4 << 20;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export class Reader {
  constructor(
    readonly code: ErrorCode,
    readonly what: string,
  ) {}

  fail(path: string, message: string): never {
    throw new OciImageError(this.code, `${path || this.what}: ${message}`, { path });
  }

  object(v: unknown, path: string): JsonObject {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      this.fail(path, `expected an object, got ${kindOf(v)}`);
    return v as JsonObject;
  }

  array(v: unknown, path: string): Json[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${kindOf(v)}`);
    return v;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, `expected a string, got ${kindOf(v)}`);
    return v;
  }

  optString(v: unknown, path: string): string | undefined {
    return v === undefined ? undefined : this.string(v, path);
  }

  int(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      this.fail(path, `expected a non-negative integer, got ${JSON.stringify(v) ?? kindOf(v)}`);
    }
    return v;
  }

  stringMap(v: unknown, path: string): Record<string, string> | undefined {
    if (v === undefined || v === null) return undefined;
    const o = this.object(v, path);
    for (const [k, val] of Object.entries(o)) this.string(val, `${path}[${JSON.stringify(k)}]`);
    return o as Record<string, string>;
  }

  stringArray(v: unknown, path: string): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    return this.array(v, path).map((s, i) => this.string(s, `${path}[${i}]`));
  }
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/** Parses a document given as bytes, text or an already-parsed value, with the size cap. */
export function parseJsonDocument(input: Uint8Array | string | unknown, r: Reader): unknown {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
    if (size > MAX_DOCUMENT_SIZE) {
      throw new OciImageError(
        'ERR_DOCUMENT_TOO_LARGE',
        `${r.what}: ${size} bytes is over the ${MAX_DOCUMENT_SIZE}-byte limit for JSON documents`,
      );
    }
    const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
    try {
      return JSON.parse(text);
    } catch (err) {
      r.fail('', `not valid JSON (${(err as Error).message})`);
    }
  }
  return input;
}
