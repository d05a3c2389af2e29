// Strict image index / manifest list parsing.
import { readDescriptor } from './descriptor.js';
import { parseJsonDocument, Reader } from './internal/json.js';
import { documentMediaType, type ParseDocumentOptions, rejectSchema1 } from './manifest.js';
import { isIndexType, isManifestType, MediaTypes } from './media-types.js';
import type { ImageIndex } from './types.js';

/**
 * Parses and validates an image index (OCI index or Docker manifest list).
 * @throws OciImageError ERR_INVALID_INDEX with the JSON path (an "index" with `config` or
 *   `layers` is refused as ambiguous), ERR_SCHEMA1_UNSUPPORTED, ERR_DOCUMENT_TOO_LARGE.
 */
export function parseIndex(input: Uint8Array | string | object, options: ParseDocumentOptions = {}): ImageIndex {
  const r = new Reader('ERR_INVALID_INDEX', 'index');
  const o = r.object(parseJsonDocument(input, r), '');
  rejectSchema1(o, options.mediaType);
  const mediaType = documentMediaType(r, o, options.mediaType);
  if (mediaType !== undefined && !isIndexType(mediaType)) {
    r.fail(
      'mediaType',
      `${mediaType} is not an index type${isManifestType(mediaType) ? ' (it is a manifest; use parseManifest)' : ''}`,
    );
  }
  if (o.config !== undefined) r.fail('config', 'an index must not have "config" (ambiguous with a manifest)');
  if (o.layers !== undefined) r.fail('layers', 'an index must not have "layers" (ambiguous with a manifest)');
  if (o.schemaVersion !== 2) r.fail('schemaVersion', `expected 2, got ${JSON.stringify(o.schemaVersion)}`);
  const manifests = r.array(o.manifests, 'manifests').map((m, i) => readDescriptor(r, m, `manifests[${i}]`));
  const out: { -readonly [K in keyof ImageIndex]: ImageIndex[K] } = { schemaVersion: 2, manifests };
  if (mediaType !== undefined) out.mediaType = mediaType;
  if (o.artifactType !== undefined) out.artifactType = r.string(o.artifactType, 'artifactType');
  if (o.subject !== undefined) out.subject = readDescriptor(r, o.subject, 'subject');
  const annotations = r.stringMap(o.annotations, 'annotations');
  if (annotations) out.annotations = annotations;
  return out;
}

/** Canonical bytes of an index. */
export function serializeIndex(x: ImageIndex): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: x.mediaType ?? MediaTypes.OciIndex,
      artifactType: x.artifactType,
      manifests: x.manifests,
      subject: x.subject,
      annotations: x.annotations,
    }),
  );
}
