// applyLayer's edges: zstd layers, file-path sources, AbortSignal (rejects with
// signal.reason itself), progress reports and argument errors.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyLayer } from '../src/archive/apply-layer.js';
import { diffTrees } from '../src/archive/diff-trees.js';
import { buildTar, D, F } from './archive/tar-helpers.js';

const gate = requires('root', 'openat2');
const zstdGate = requires('root', 'openat2', 'binary:zstd');

describe.runIf(gate.ok)('applyLayer API', () => {
  let tmp = '';
  let root = '';
  beforeEach(async () => {
    tmp = await makeTempDir('api');
    root = join(tmp, 'root');
    mkdirSync(root);
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const layer = () => buildTar([D('d'), ...Array.from({ length: 600 }, (_, i) => F(`d/f${i}`, `content ${i}`))]);

  it.runIf(zstdGate.ok)('applies a zstd layer (fzstd) with both digests', async () => {
    const tarPath = join(tmp, 'l.tar');
    writeFileSync(tarPath, layer());
    execFileSync('zstd', ['-q', '-19', tarPath, '-o', `${tarPath}.zst`]);
    const r = await applyLayer(root, `${tarPath}.zst`);
    expect(r.compression).toBe('zstd');
    expect(r.entries).toBe(601);
    const { createHash } = await import('node:crypto');
    expect(r.diffId).toBe(`sha256:${createHash('sha256').update(readFileSync(tarPath)).digest('hex')}`);
    expect(r.compressedDigest).toBe(
      `sha256:${createHash('sha256')
        .update(readFileSync(`${tarPath}.zst`))
        .digest('hex')}`,
    );
    expect(readFileSync(join(root, 'd/f599'), 'utf8')).toBe('content 599');
  });

  it('a corrupt zstd or gzip layer is ERR_INVALID_LAYER', async () => {
    const gz = gzipSync(layer());
    const mid = gz.length >> 1;
    gz[mid] = gz[mid]! ^ 0xff;
    await expect(applyLayer(root, [gz])).rejects.toMatchObject({ code: 'ERR_INVALID_LAYER' });
    const zst = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4, 5, 6, 7, 8]);
    await expect(applyLayer(join(tmp, 'root'), [zst])).rejects.toMatchObject({ code: 'ERR_INVALID_LAYER' });
  });

  it('rejects with signal.reason when aborted, before and during the apply', async () => {
    const ac = new AbortController();
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(applyLayer(root, [layer()], { signal: ac.signal })).rejects.toBe(reason);
    const ac2 = new AbortController();
    const data = gzipSync(layer());
    async function* slow() {
      for (let i = 0; i < data.length; i += 512) {
        if (i === 4096) ac2.abort(reason);
        yield data.subarray(i, i + 512);
      }
    }
    await expect(applyLayer(root, slow(), { signal: ac2.signal })).rejects.toBe(reason);
  });

  it('reports progress with entries and bytes', async () => {
    const seen: number[] = [];
    const data = layer();
    await applyLayer(root, [data], { onProgress: (p) => seen.push(p.entries), expectedSize: data.length });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]).toBe(601);
  });

  it('argument errors use Node codes', async () => {
    await expect(applyLayer('', [layer()])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(applyLayer(root, [layer()], { whiteouts: 'bogus' as 'oci' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
    writeFileSync(join(tmp, 'file'), '');
    await expect(applyLayer(join(tmp, 'file'), [layer()])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('diff option errors are thrown at the call, before anything is read', () => {
    expect(() => diffTrees(null, root, { compression: 'xz' as 'gzip' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => diffTrees(null, root, { compression: 'gzip', level: 10 })).toThrow(
      /gzip level must be an integer 1..9/,
    );
    expect(() => diffTrees(null, root, { compression: 'zstd', level: 23 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(diffTrees(null, root, { compression: 'zstd', level: 19 }).compression).toBe('zstd');
    expect(() => diffTrees(null, root, { mtimePrecision: 'ms' as 'second' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/mtimePrecision/) }),
    );
  });
});
