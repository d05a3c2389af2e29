import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_ERROR_CODES } from '../../src/archive/errors.js';
import { LayerDecoder } from '../../src/archive/layer-decode.js';
import { TarParser } from '../../src/archive/tar-parser.js';
import { buildTar, F } from './tar-helpers.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/zstd-layer.json', import.meta.url), 'utf8'));
const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function decode(chunks: Uint8Array[]) {
  const d = new LayerDecoder(chunks);
  const names: string[] = [];
  const p = new TarParser({ onEntry: (h) => names.push(h.name), onData: () => {}, onEntryEnd: () => {} });
  for await (const c of d) p.write(c);
  p.end();
  return { digests: d.digests(), names, trailing: p.trailingBytes };
}

describe('LayerDecoder', () => {
  it('decodes a zstd layer (fixture made by the zstd CLI) and hashes both sides', async () => {
    const blob = Buffer.from(fixture.zstdBase64, 'base64');
    const { digests, names } = await decode([blob.subarray(0, 7), blob.subarray(7)]);
    expect(digests).toMatchObject({
      compression: 'zstd',
      diffId: fixture.diffId,
      compressedDigest: fixture.compressedDigest,
      size: blob.length,
    });
    expect(names).toEqual(['etc/', 'etc/hostname']);
  });
  it('gzip and plain tar, fed in odd chunk sizes', async () => {
    const tar = Buffer.concat([buildTar([F('a', 'x'.repeat(5000))]), Buffer.from('tail')]);
    const gz = gzipSync(tar);
    const pieces = (b: Buffer) =>
      Array.from({ length: Math.ceil(b.length / 3) }, (_, i) => b.subarray(i * 3, i * 3 + 3));
    for (const [blob, compression] of [
      [gz, 'gzip'],
      [tar, 'none'],
    ] as const) {
      const { digests, trailing } = await decode(pieces(blob));
      expect(digests).toMatchObject({
        compression,
        diffId: sha(tar),
        compressedDigest: sha(blob),
        size: blob.length,
        uncompressedSize: tar.length,
      });
      expect(trailing).toBe(4);
    }
  });
  it('a zero-byte blob is an empty plain layer', async () => {
    const { digests, names } = await decode([]);
    expect(digests).toMatchObject({ compression: 'none', diffId: sha(new Uint8Array(0)), size: 0 });
    expect(names).toEqual([]);
  });
  it('truncated gzip is ERR_INVALID_LAYER', async () => {
    const gz = gzipSync(buildTar([F('a', 'x'.repeat(5000))]));
    await expect(decode([gz.subarray(0, gz.length - 20)])).rejects.toMatchObject({ code: 'ERR_INVALID_LAYER' });
  });
});

describe('error codes', () => {
  it('are a stable, documented list (only ever added to)', () => {
    expect([...ARCHIVE_ERROR_CODES]).toEqual([
      'ERR_INVALID_LAYER',
      'ERR_INVALID_WHITEOUT',
      'ERR_LAYER_PATH_ESCAPE',
      'ERR_LAYER_IO',
      'ERR_UNSUPPORTED',
    ]);
  });
});

describe('LayerDecoder on a gzip file path (the worker-thread decoder)', () => {
  const withFile = async (bytes: Uint8Array, fn: (path: string) => Promise<void>) => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrkit-gzw-'));
    try {
      const path = join(dir, 'layer.tar.gz');
      writeFileSync(path, bytes);
      await fn(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('gives the same bytes and digests as decoding the same blob in-thread', async () => {
    // Big enough for many 128 KiB chunks, so the credit window is exercised.
    const tar = Buffer.concat([buildTar([F('a', 'x'.repeat(3 << 20)), F('b', 'y'.repeat(5000))]), Buffer.from('tail')]);
    const gz = gzipSync(tar);
    await withFile(gz, async (path) => {
      const d = new LayerDecoder(path, undefined, { workerMinBytes: 0 });
      const parts: Uint8Array[] = [];
      for await (const c of d) parts.push(Buffer.from(c));
      expect(Buffer.concat(parts).equals(tar)).toBe(true);
      expect(d.compression).toBe('gzip');
      expect(d.bytesRead).toBeGreaterThan(0);
      expect(d.digests()).toEqual({
        compression: 'gzip',
        compressedDigest: sha(gz),
        size: gz.length,
        diffId: sha(tar),
        uncompressedSize: tar.length,
      });
    });
  });

  it('corrupt gzip data is ERR_INVALID_LAYER; an abort stops it with the reason', async () => {
    const gz = gzipSync(buildTar([F('a', 'x'.repeat(1 << 20))]));
    const bad = Buffer.from(gz);
    bad.fill(0x55, 20, 60);
    await withFile(bad, async (path) => {
      const d = new LayerDecoder(path, undefined, { workerMinBytes: 0 });
      await expect(
        (async () => {
          for await (const _ of d);
        })(),
      ).rejects.toMatchObject({ code: 'ERR_INVALID_LAYER' });
    });
    await withFile(gzipSync(Buffer.alloc(8 << 20, 1)), async (path) => {
      const ac = new AbortController();
      const d = new LayerDecoder(path, ac.signal, { workerMinBytes: 0 });
      const reason = new Error('stop');
      await expect(
        (async () => {
          for await (const _ of d) ac.abort(reason);
        })(),
      ).rejects.toBe(reason);
    });
  });
});
