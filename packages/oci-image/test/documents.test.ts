import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkLayerCount,
  type Descriptor,
  digestOf,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  MAX_DOCUMENT_SIZE,
  MediaTypes,
  parseDescriptor,
  parseImageConfig,
  parseIndex,
  parseManifest,
  serializeImageConfig,
  serializeIndex,
  serializeManifest,
} from '../src/index.js';

const D1 = digestOf('one');
const D2 = digestOf('two');
const layer = (d = D1, size = 3): Descriptor => ({ mediaType: MediaTypes.OciLayerGzip, digest: d, size });
const config = { mediaType: MediaTypes.OciConfig, digest: D2, size: 3 };
const manifest = { schemaVersion: 2, mediaType: MediaTypes.OciManifest, config, layers: [layer(), layer(D2)] };

function codeAndMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

describe('parseManifest (section H)', () => {
  it('accepts a valid manifest and one without mediaType (umoci 0.4)', () => {
    expect(parseManifest(JSON.stringify(manifest)).layers).toHaveLength(2);
    const { mediaType: _, ...bare } = manifest;
    expect(parseManifest(bare).mediaType).toBeUndefined();
    expect(parseManifest(bare, { mediaType: MediaTypes.OciManifest }).mediaType).toBe(MediaTypes.OciManifest);
  });

  it.each([
    ['H4 a manifest with manifests', { ...manifest, manifests: [] }, /ERR_INVALID_MANIFEST: manifests: .*ambiguous/],
    ['H4 schema1 by fsLayers', { schemaVersion: 1, fsLayers: [] }, /ERR_SCHEMA1_UNSUPPORTED/],
    [
      'H4 schema1 by media type',
      { ...manifest, mediaType: MediaTypes.DockerSchema1SignedManifest },
      /ERR_SCHEMA1_UNSUPPORTED/,
    ],
    [
      'an index media type',
      { ...manifest, mediaType: MediaTypes.OciIndex },
      /mediaType: .* is not an image manifest type \(it is an index/,
    ],
    [
      'a bad layer digest',
      { ...manifest, layers: [layer(), layer(), { ...layer(), digest: 'sha256:xyz' }] },
      /ERR_INVALID_MANIFEST: layers\[2\]\.digest: /,
    ],
    [
      'a negative size',
      { ...manifest, layers: [{ ...layer(), size: -1 }] },
      /layers\[0\]\.size: expected a non-negative integer/,
    ],
    ['a fractional size', { ...manifest, config: { ...config, size: 1.5 } }, /config\.size/],
    ['no config', { ...manifest, config: undefined }, /config: is required/],
    ['a bad media type', { ...manifest, layers: [{ ...layer(), mediaType: 'tar' }] }, /layers\[0\]\.mediaType/],
    ['schemaVersion 3', { ...manifest, schemaVersion: 3 }, /schemaVersion: expected 2/],
    ['annotations with numbers', { ...manifest, annotations: { a: 1 } }, /annotations\["a"\]: expected a string/],
    ['not JSON', '{"schemaVersion":', /ERR_INVALID_MANIFEST: manifest: not valid JSON/],
    ['an array', '[]', /expected an object, got an array/],
  ])('rejects %s', (_, doc, re) => {
    expect(codeAndMessage(() => parseManifest(typeof doc === 'string' ? doc : JSON.stringify(doc)))).toMatch(re);
  });

  it('H4 refuses a described type that the document contradicts', () => {
    expect(() => parseManifest(manifest, { mediaType: MediaTypes.DockerManifest })).toThrow(
      /document says .* but it was described as/,
    );
  });

  it('H6 refuses documents over 4 MiB', () => {
    const big = JSON.stringify({ ...manifest, annotations: { pad: 'x'.repeat(MAX_DOCUMENT_SIZE) } });
    expect(() => parseManifest(big)).toThrow(expect.objectContaining({ code: 'ERR_DOCUMENT_TOO_LARGE' }));
    expect(() => parseIndex(Buffer.from(big))).toThrow(expect.objectContaining({ code: 'ERR_DOCUMENT_TOO_LARGE' }));
  });
});

describe('parseIndex (section H)', () => {
  const index = {
    schemaVersion: 2,
    mediaType: MediaTypes.OciIndex,
    manifests: [
      { mediaType: MediaTypes.OciManifest, digest: D1, size: 3, platform: { os: 'linux', architecture: 'amd64' } },
    ],
  };
  it('accepts a valid index', () => {
    expect(parseIndex(index).manifests[0]!.platform).toEqual({ os: 'linux', architecture: 'amd64' });
  });
  it.each([
    ['H4 an index with config', { ...index, config }, /ERR_INVALID_INDEX: config: .*ambiguous/],
    ['H4 an index with layers', { ...index, layers: [] }, /ERR_INVALID_INDEX: layers: .*ambiguous/],
    ['a manifest media type', { ...index, mediaType: MediaTypes.DockerManifest }, /it is a manifest/],
    [
      'a platform without os',
      { ...index, manifests: [{ ...index.manifests[0], platform: { architecture: 'amd64' } }] },
      /manifests\[0\]\.platform\.os: expected a string/,
    ],
    ['schema1', { schemaVersion: 1, fsLayers: [] }, /ERR_SCHEMA1_UNSUPPORTED/],
  ])('rejects %s', (_, doc, re) => {
    expect(codeAndMessage(() => parseIndex(doc))).toMatch(re);
  });
});

describe('descriptors with embedded data (H5)', () => {
  const bytes = Buffer.from('hello');
  const ok = { mediaType: MediaTypes.OciConfig, digest: digestOf(bytes), size: 5, data: bytes.toString('base64') };
  it('accepts data matching size and digest', () => {
    expect(parseDescriptor(ok).data).toBe(ok.data);
  });
  it.each([
    ['wrong size', { ...ok, size: 6 }, /data: decodes to 5 bytes but size is 6/],
    ['wrong digest', { ...ok, digest: D1 }, /data: hashes to sha256:2cf2.* not the descriptor's/],
    ['not base64', { ...ok, data: 'a!!b' }, /data: is not valid base64/],
  ])('rejects %s', (_, d, re) => {
    expect(codeAndMessage(() => parseDescriptor(d))).toMatch(re);
    expect(() => parseDescriptor(d)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_DESCRIPTOR' }));
  });
  it('names the path inside a manifest', () => {
    expect(codeAndMessage(() => parseManifest({ ...manifest, config: { ...ok, size: 6 } }))).toMatch(
      /^ERR_INVALID_MANIFEST: config\.data:/,
    );
  });
});

describe('parseImageConfig and H7', () => {
  const cfg = {
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [D1] },
    config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'], Labels: { a: 'b' } },
  };
  it('accepts a config', () => {
    expect(parseImageConfig(cfg).config?.Cmd).toEqual(['/bin/sh']);
  });
  it.each([
    ['no rootfs', { ...cfg, rootfs: undefined }, /rootfs: expected an object/],
    [
      'a bad diff_id',
      { ...cfg, rootfs: { type: 'layers', diff_ids: ['sha256:1'] } },
      /ERR_INVALID_CONFIG: rootfs\.diff_ids\[0\]: /,
    ],
    ['rootfs.type other', { ...cfg, rootfs: { type: 'zfs', diff_ids: [] } }, /rootfs\.type: expected "layers"/],
    ['Env not strings', { ...cfg, config: { Env: [1] } }, /config\.Env\[0\]: expected a string/],
    ['history not objects', { ...cfg, history: [1] }, /history\[0\]: expected an object/],
  ])('rejects %s', (_, doc, re) => {
    expect(codeAndMessage(() => parseImageConfig(doc))).toMatch(re);
  });
  it('H7: layers and diff_ids must agree in number', () => {
    const m = parseManifest(manifest);
    expect(() => checkLayerCount(m, parseImageConfig(cfg))).toThrow(
      /ERR_LAYER_COUNT_MISMATCH: the manifest lists 2 layers but the config's rootfs.diff_ids has 1/,
    );
    expect(() =>
      checkLayerCount(m, parseImageConfig({ ...cfg, rootfs: { type: 'layers', diff_ids: [D1, D2] } })),
    ).not.toThrow();
  });
});

// Property tests: serialize then parse reproduces the document.
const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
const digest = hex.map((h) => `sha256:${h}` as Descriptor['digest']);
const annotations = fc.option(
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  { nil: undefined },
);
const platform = fc.record({
  os: fc.constantFrom('linux', 'windows'),
  architecture: fc.constantFrom('amd64', 'arm64', 's390x'),
});
const descriptor = (types: string[]) =>
  fc.record(
    {
      mediaType: fc.constantFrom(...types),
      digest,
      size: fc.nat(),
      annotations,
      urls: fc.option(fc.array(fc.webUrl(), { maxLength: 2 }), { nil: undefined }),
      platform: fc.option(platform, { nil: undefined }),
    },
    { requiredKeys: ['mediaType', 'digest', 'size'] },
  );
const clean = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe('round trips (fast-check)', () => {
  it('manifests', () => {
    fc.assert(
      fc.property(
        descriptor([MediaTypes.OciConfig, MediaTypes.DockerConfig]),
        fc.array(descriptor([MediaTypes.OciLayerGzip, MediaTypes.DockerLayerGzip, MediaTypes.OciLayerZstd]), {
          maxLength: 5,
        }),
        annotations,
        (c, layers, a) => {
          const m = clean({
            schemaVersion: 2,
            mediaType: MediaTypes.OciManifest,
            config: c,
            layers,
            annotations: a,
          }) as ImageManifest;
          expect(parseManifest(serializeManifest(m))).toEqual(m);
        },
      ),
    );
  });
  it('indexes', () => {
    fc.assert(
      fc.property(
        fc.array(descriptor([MediaTypes.OciManifest, MediaTypes.DockerManifest]), { maxLength: 5 }),
        (manifests) => {
          const x = clean({ schemaVersion: 2, mediaType: MediaTypes.OciIndex, manifests }) as ImageIndex;
          expect(parseIndex(serializeIndex(x))).toEqual(x);
        },
      ),
    );
  });
  it('configs', () => {
    fc.assert(
      fc.property(
        platform,
        fc.array(digest, { maxLength: 5 }),
        fc.array(fc.string(), { maxLength: 3 }),
        fc.option(fc.string(), { nil: undefined }),
        (p, diffIds, env, user) => {
          const c = clean({
            ...p,
            rootfs: { type: 'layers', diff_ids: diffIds },
            config: { Env: env, ...(user === undefined ? {} : { User: user }) },
            history: diffIds.map(() => ({ created_by: 'x' })),
          }) as ImageConfig;
          expect(parseImageConfig(serializeImageConfig(c))).toEqual(c);
        },
      ),
    );
  });
});
