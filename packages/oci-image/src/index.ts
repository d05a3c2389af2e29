export { type ArchiveImage, type ReadArchiveOptions, readDockerArchive } from './archive/read-docker-archive.js';
export { type ArchiveInput, type WriteArchiveOptions, writeDockerArchive } from './archive/write-docker-archive.js';
export { type BlobReader, type BlobWriter, fetchDocument } from './blob-access.js';
export { chainId, chainIds } from './chainid.js';
export { ContentStore } from './content/content-store.js';
export type {
  CommitOptions,
  ContentInfo,
  ContentWriter,
  Filter,
  Ingester,
  IngestManager,
  IngestStatus,
  Manager,
  Provider,
  ReaderAt,
  WriterOptions,
} from './content/types.js';
export { type BlobSource, type Chunks, type WriteBlobOptions, writeBlob, writeBytes } from './content/write-blob.js';
export {
  type CopiedImage,
  type CopyOptions,
  type CopyPhase,
  type CopyProgress,
  type CopyResult,
  copyImage,
} from './copy.js';
export { descriptorData, descriptorOf, parseDescriptor } from './descriptor.js';
export {
  createDigester,
  type Digest,
  type DigestAlgorithm,
  DigestVerifier,
  digestAlgorithm,
  digestHex,
  digestOf,
  isDigest,
  parseDigest,
  readAll,
  verifyBytes,
  verifyDigest,
} from './digest.js';
export {
  abortError,
  type ErrorCode,
  ErrorCodes,
  type ErrorKind,
  isAlreadyExists,
  isCtrkitError,
  isNotFound,
  OciImageError,
} from './errors.js';
export { type BuilderOptions, type BuiltImage, ImageBuilder } from './image-builder.js';
export { checkLayerCount, parseImageConfig, serializeImageConfig } from './image-config.js';
export { parseIndex, serializeIndex } from './image-index.js';
export { type Image, type ImageInput, ImageStore } from './image-store.js';
export { MAX_DOCUMENT_SIZE } from './internal/json.js';
export { type ParseDocumentOptions, parseManifest, serializeManifest } from './manifest.js';
export {
  type Compression,
  detectCompression,
  isConfigType,
  isIndexType,
  isLayerType,
  isManifestType,
  isNondistributableType,
  isSchema1Type,
  layerCompression,
  MANIFEST_ACCEPT,
  MediaTypes,
} from './media-types.js';
export { type LayoutTag, OciLayout, REF_NAME_ANNOTATION } from './oci-layout.js';
export {
  defaultPlatform,
  formatPlatform,
  matchPlatform,
  normalizePlatform,
  type PlatformMatch,
  parsePlatform,
  platformVector,
} from './platform.js';
export { type PullOptions, type PullResult, pull } from './pull.js';
export { type PushOptions, push } from './push.js';
export { DOCKER_HUB, ImageReference, type ParseReferenceOptions, parseReference } from './reference.js';
export { type Challenge, type Credentials, parseChallenge } from './registry/auth.js';
export { RegistryClient, type RegistryClientOptions } from './registry/client.js';
export { type ManifestResponse, type PutBlobOptions, Repository } from './registry/repository.js';
export { type ManifestSelection, type RejectedEntry, selectManifest } from './select-manifest.js';
export type {
  ContainerConfig,
  Descriptor,
  HistoryEntry,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  Platform,
} from './types.js';
