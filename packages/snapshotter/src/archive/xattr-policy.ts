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

/** Sorted, filtered xattrs for a diff entry. */
export function layerXattrs(all: ReadonlyMap<string, Uint8Array>): Array<readonly [string, Uint8Array]> {
  return [...all].filter(([k]) => !isExcludedXattr(k)).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
