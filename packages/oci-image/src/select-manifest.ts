// Choosing a manifest from an index for a platform, keeping why every other entry lost.
import { OciImageError } from './errors.js';
import { isIndexType, isManifestType } from './media-types.js';
import { formatPlatform, matchPlatform, normalizePlatform, parsePlatform } from './platform.js';
import type { Descriptor, ImageIndex, Platform } from './types.js';

export interface RejectedEntry {
  readonly index: number;
  readonly descriptor: Descriptor;
  readonly reason: string;
}

export interface ManifestSelection {
  /** The best entry (lowest fallback rank; the first in index order among equals). */
  readonly descriptor: Descriptor;
  readonly rank: number;
  /** Every entry not chosen, with why. */
  readonly rejected: readonly RejectedEntry[];
}

/**
 * Picks the best manifest (or nested index) in `index` for `want` (default: this host).
 * Attestation manifests (`vnd.docker.reference.type`) are never chosen.
 * @throws OciImageError ERR_NO_MATCHING_MANIFEST listing each entry's reason.
 */
export function selectManifest(index: ImageIndex, want: Platform | string): ManifestSelection {
  const w = typeof want === 'string' ? parsePlatform(want) : normalizePlatform(want);
  const rejected: RejectedEntry[] = [];
  let best: { descriptor: Descriptor; rank: number; index: number } | undefined;
  index.manifests.forEach((d, i) => {
    if (!isManifestType(d.mediaType) && !isIndexType(d.mediaType)) {
      rejected.push({ index: i, descriptor: d, reason: `media type ${d.mediaType} is not a manifest or index` });
      return;
    }
    if (d.annotations?.['vnd.docker.reference.type'] !== undefined) {
      rejected.push({ index: i, descriptor: d, reason: `it is a ${d.annotations['vnd.docker.reference.type']}` });
      return;
    }
    const m = matchPlatform(w, d.platform);
    if (!m.ok) {
      rejected.push({ index: i, descriptor: d, reason: m.reason });
      return;
    }
    if (!best || m.rank < best.rank) {
      if (best)
        rejected.push({
          index: best.index,
          descriptor: best.descriptor,
          reason: `a better match exists (rank ${m.rank} < ${best.rank})`,
        });
      best = { descriptor: d, rank: m.rank, index: i };
    } else {
      rejected.push({
        index: i,
        descriptor: d,
        reason: `a better or earlier match exists (rank ${best.rank} <= ${m.rank})`,
      });
    }
  });
  if (!best) {
    const lines = rejected.map(
      (r) =>
        `  manifests[${r.index}] ${r.descriptor.platform ? formatPlatform(r.descriptor.platform) : '?'}: ${r.reason}`,
    );
    throw new OciImageError(
      'ERR_NO_MATCHING_MANIFEST',
      `no manifest in the index runs on ${formatPlatform(w)}:\n${lines.join('\n') || '  (the index is empty)'}`,
    );
  }
  rejected.sort((a, b) => a.index - b.index);
  return { descriptor: best.descriptor, rank: best.rank, rejected };
}
