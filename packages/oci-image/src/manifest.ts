// Strict image manifest parsing (OCI and Docker schema2). Ambiguous documents are refused:
// a "manifest" carrying `manifests` could be read as an index by another tool, which is
// the confused-deputy class containerd's validateMediaType closes.
import { readDescriptor } from './descriptor.js';
import { OciImageError } from './errors.js';
import { parseJsonDocument, Reader } from './internal/json.js';
import { isIndexType, isManifestType, isSchema1Type, MediaTypes } from './media-types.js';
import type { ImageManifest } from './types.js';

export interface ParseDocumentOptions {
  /** The media type the document was served or described as (descriptor, Content-Type). */
  readonly mediaType?: string;
}

/**
 * Parses and validates an image manifest from bytes, text or a parsed object.
 * A document without `mediaType` (umoci 0.4 writes none) takes `options.mediaType`, else OCI.
 * @throws OciImageError ERR_INVALID_MANIFEST with the JSON path, ERR_SCHEMA1_UNSUPPORTED,
 *   ERR_DOCUMENT_TOO_LARGE (over 4 MiB).
 */
export function parseManifest(input: Uint8Array | string | object, options: ParseDocumentOptions = {}): ImageManifest {
  const r = new Reader('ERR_INVALID_MANIFEST', 'manifest');
  const o = r.object(parseJsonDocument(input, r), '');
  rejectSchema1(o, options.mediaType);
  const mediaType = documentMediaType(r, o, options.mediaType);
  if (mediaType !== undefined && !isManifestType(mediaType)) {
    r.fail(
      'mediaType',
      `${mediaType} is not an image manifest type${isIndexType(mediaType) ? ' (it is an index; use parseIndex)' : ''}`,
    );
  }
  if (o.manifests !== undefined) r.fail('manifests', 'a manifest must not have "manifests" (ambiguous with an index)');
  if (o.schemaVersion !== 2) r.fail('schemaVersion', `expected 2, got ${JSON.stringify(o.schemaVersion)}`);
  if (o.config === undefined) r.fail('config', 'is required');
  const config = readDescriptor(r, o.config, 'config');
  const layers = r.array(o.layers, 'layers').map((l, i) => readDescriptor(r, l, `layers[${i}]`));
  const out: { -readonly [K in keyof ImageManifest]: ImageManifest[K] } = { schemaVersion: 2, config, layers };
  if (mediaType !== undefined) out.mediaType = mediaType;
  if (o.artifactType !== undefined) out.artifactType = r.string(o.artifactType, 'artifactType');
  if (o.subject !== undefined) out.subject = readDescriptor(r, o.subject, 'subject');
  const annotations = r.stringMap(o.annotations, 'annotations');
  if (annotations) out.annotations = annotations;
  return out;
}

/** Shared by manifest and index parsing: schema1 is refused by type or by shape. */
export function rejectSchema1(o: Record<string, unknown>, hinted?: string): void {
  const t = typeof o.mediaType === 'string' ? o.mediaType : hinted;
  if (isSchema1Type(t) || o.schemaVersion === 1 || o.fsLayers !== undefined || o.signatures !== undefined) {
    throw new OciImageError(
      'ERR_SCHEMA1_UNSUPPORTED',
      'Docker schema1 manifests are not supported; a registry 2.x converts schema2 to schema1 when the Accept header lacks schema2, so request it with MANIFEST_ACCEPT, or re-push the image as schema2/OCI',
      { path: 'schemaVersion' },
    );
  }
}

/** The document's own mediaType, checked against the hint when both are given. */
export function documentMediaType(r: Reader, o: Record<string, unknown>, hinted?: string): string | undefined {
  const own = r.optString(o.mediaType, 'mediaType');
  if (own !== undefined && hinted !== undefined && own !== hinted) {
    r.fail('mediaType', `document says ${own} but it was described as ${hinted}`);
  }
  return own ?? hinted;
}

/** Canonical bytes of a manifest: compact JSON in the field order the spec lists. */
export function serializeManifest(m: ImageManifest): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: m.mediaType ?? MediaTypes.OciManifest,
      artifactType: m.artifactType,
      config: m.config,
      layers: m.layers,
      subject: m.subject,
      annotations: m.annotations,
    }),
  );
}
