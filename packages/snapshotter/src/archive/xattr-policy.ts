// Rule 4 (layer-apply-cases.md §2): which extended attributes travel in layers. Apply
// and diff use the same filter so that diff → apply → diff is stable.

/** True when an xattr must never be applied from, or emitted into, a layer. */
export function isExcludedXattr(name: string): boolean {
  return (
    name.startsWith('trusted.overlay.') ||
    name.startsWith('user.overlay.') ||
    name === 'security.selinux' ||
    name === 'system.nfs4_acl'
  );
}

/** The opaque-directory xattr overlayfs reads: `trusted.` normally, `user.` with `userxattr` (rootless). */
export function opaqueXattr(rootless: boolean): string {
  return rootless ? 'user.overlay.opaque' : 'trusted.overlay.opaque';
}

/** Sorted, filtered xattrs for a diff entry; v3 file capabilities are written as v2. */
export function layerXattrs(all: ReadonlyMap<string, Uint8Array>): Array<readonly [string, Uint8Array]> {
  return [...all]
    .filter(([k]) => !isExcludedXattr(k))
    .map(([k, v]): readonly [string, Uint8Array] => (k === 'security.capability' ? [k, capV3toV2(v)] : [k, v]))
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * A namespaced (v3) `security.capability` carries the root uid of the user namespace it
 * was set in, meaningless in an image; v2 is the same value without it (moby, G6).
 */
export function capV3toV2(v: Uint8Array): Uint8Array {
  // vfs_ns_cap_data: le32 magic_etc (revision in the high byte), 2x{permitted, inheritable}, le32 rootid.
  if (v.length !== 24) return v;
  const magic = Buffer.from(v.buffer, v.byteOffset, 4).readUInt32LE(0);
  if (magic >>> 24 !== 3) return v;
  const out = Buffer.from(v.subarray(0, 20));
  out.writeUInt32LE(((2 << 24) | (magic & 0x00ffffff)) >>> 0, 0);
  return out;
}
