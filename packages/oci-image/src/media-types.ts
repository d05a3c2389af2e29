// The media types of OCI image-spec 1.1 and Docker image manifest schema 2.

/** Media types by role. */
export const MediaTypes = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciLayer: 'application/vnd.oci.image.layer.v1.tar',
  OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OciLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  OciLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  OciLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  OciLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DockerLayerForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  DockerSchema1Manifest: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1SignedManifest: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export type Compression = 'none' | 'gzip' | 'zstd';

/** The Accept header value for manifests: all four schema2/OCI types (never schema1). */
export const MANIFEST_ACCEPT = [
  MediaTypes.OciManifest,
  MediaTypes.OciIndex,
  MediaTypes.DockerManifest,
  MediaTypes.DockerManifestList,
].join(', ');

/** True for an image manifest (OCI or Docker schema2). */
export function isManifestType(t: string | undefined): boolean {
  return t === MediaTypes.OciManifest || t === MediaTypes.DockerManifest;
}

/** True for an index or a Docker manifest list. */
export function isIndexType(t: string | undefined): boolean {
  return t === MediaTypes.OciIndex || t === MediaTypes.DockerManifestList;
}

/** True for Docker schema1 (unsigned or signed), which this package refuses. */
export function isSchema1Type(t: string | undefined): boolean {
  return t === MediaTypes.DockerSchema1Manifest || t === MediaTypes.DockerSchema1SignedManifest;
}

/** True for an image config. */
export function isConfigType(t: string | undefined): boolean {
  return t === MediaTypes.OciConfig || t === MediaTypes.DockerConfig;
}

/** True for a layer media type we know (OCI, nondistributable, Docker, foreign). */
export function isLayerType(t: string | undefined): boolean {
  if (!t) return false;
  return (
    t.startsWith('application/vnd.oci.image.layer.') ||
    t === MediaTypes.DockerLayer ||
    t === MediaTypes.DockerLayerGzip ||
    t === MediaTypes.DockerLayerForeignGzip
  );
}

/** True for layers that registries need not serve (nondistributable / foreign). */
export function isNondistributableType(t: string | undefined): boolean {
  return !!t && (t.includes('.nondistributable.') || t === MediaTypes.DockerLayerForeignGzip);
}

/** The compression a layer media type declares (by suffix). */
export function layerCompression(t: string): Compression {
  if (t.endsWith('+gzip') || t.endsWith('.tar.gzip')) return 'gzip';
  if (t.endsWith('+zstd')) return 'zstd';
  return 'none';
}

/** The compression the first bytes of a blob show (gzip 1f 8b, zstd 28 b5 2f fd); none otherwise. */
export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}
