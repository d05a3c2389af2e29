// Strict descriptor and platform readers shared by the manifest, index and config parsers.
import { digestOf, isDigest, parseDigest } from './digest.js';
import { type ErrorCode, OciImageError } from './errors.js';
import { type JsonObject, Reader } from './internal/json.js';
import type { Descriptor, Platform } from './types.js';

const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/**
 * Validates one descriptor object. `data`, when present, must be base64 whose decoded
 * length equals `size` and whose digest matches (containerd's useDescriptorData rule).
 * @throws OciImageError ERR_INVALID_DESCRIPTOR (or the caller's code) naming the JSON path.
 */
export function parseDescriptor(v: unknown, path = '', code: ErrorCode = 'ERR_INVALID_DESCRIPTOR'): Descriptor {
  return readDescriptor(new Reader(code, 'descriptor'), v, path);
}

export function readDescriptor(r: Reader, v: unknown, path: string): Descriptor {
  const at = (k: string) => (path ? `${path}.${k}` : k);
  const o = r.object(v, path);
  const mediaType = r.string(o.mediaType, at('mediaType'));
  if (!MEDIA_TYPE.test(mediaType)) r.fail(at('mediaType'), `${JSON.stringify(mediaType)} is not a media type`);
  if (!isDigest(o.digest)) {
    try {
      parseDigest(o.digest, at('digest'));
    } catch (err) {
      r.fail(at('digest'), (err as Error).message.replace(/^ERR_INVALID_DIGEST: [^:]*: /, ''));
    }
  }
  const digest = o.digest as Descriptor['digest'];
  const size = r.int(o.size, at('size'));
  const out: { -readonly [K in keyof Descriptor]: Descriptor[K] } = { mediaType, digest, size };
  const urls = r.stringArray(o.urls, at('urls'));
  if (urls) out.urls = urls;
  const annotations = r.stringMap(o.annotations, at('annotations'));
  if (annotations) out.annotations = annotations;
  if (o.artifactType !== undefined) out.artifactType = r.string(o.artifactType, at('artifactType'));
  if (o.platform !== undefined) out.platform = readPlatform(r, o.platform, at('platform'));
  if (o.data !== undefined) {
    const data = r.string(o.data, at('data'));
    const bytes = decodeBase64Strict(data);
    if (!bytes) r.fail(at('data'), 'is not valid base64');
    if (bytes.length !== size) r.fail(at('data'), `decodes to ${bytes.length} bytes but size is ${size}`);
    const got = digestOf(bytes, digest.startsWith('sha512:') ? 'sha512' : 'sha256');
    if (got !== digest) r.fail(at('data'), `hashes to ${got}, not the descriptor's ${digest}`);
    out.data = data;
  }
  return out;
}

export function readPlatform(r: Reader, v: unknown, path: string): Platform {
  const o: JsonObject = r.object(v, path);
  const out: { -readonly [K in keyof Platform]: Platform[K] } = {
    architecture: r.string(o.architecture, `${path}.architecture`),
    os: r.string(o.os, `${path}.os`),
  };
  const osVersion = r.optString(o['os.version'], `${path}["os.version"]`);
  if (osVersion !== undefined) out['os.version'] = osVersion;
  const osFeatures = r.stringArray(o['os.features'], `${path}["os.features"]`);
  if (osFeatures) out['os.features'] = osFeatures;
  const variant = r.optString(o.variant, `${path}.variant`);
  if (variant !== undefined && variant !== '') out.variant = variant;
  const features = r.stringArray(o.features, `${path}.features`);
  if (features) out.features = features;
  return out;
}

function decodeBase64Strict(s: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  return Buffer.from(s, 'base64');
}

/** The embedded bytes of a descriptor, if it carries `data` (already verified at parse time). */
export function descriptorData(d: Descriptor): Buffer | undefined {
  return d.data === undefined ? undefined : Buffer.from(d.data, 'base64');
}

/** A plain copy of the fields that identify content: mediaType, digest, size. */
export function descriptorOf(d: Descriptor): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

/** Throws unless `d` has the expected media-type family. */
export function expectMediaType(d: Descriptor, ok: (t: string) => boolean, what: string): void {
  if (!ok(d.mediaType)) {
    throw new OciImageError('ERR_UNSUPPORTED_MEDIA_TYPE', `${d.digest}: media type ${d.mediaType} is not ${what}`);
  }
}
