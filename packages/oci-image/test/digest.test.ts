import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { digestOf, isDigest, parseDigest, verifyDigest } from '../src/index.js';

// sha256("") and sha512("") from FIPS 180-4 / `sha256sum /dev/null`, `sha512sum /dev/null`.
const EMPTY256 = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const EMPTY512 =
  'sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';
// sha256("abc") from FIPS 180-2 appendix B.1.
const ABC = 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('digests', () => {
  it('hashes bytes, strings and streams', async () => {
    expect(digestOf('')).toBe(EMPTY256);
    expect(digestOf(new Uint8Array(), 'sha512')).toBe(EMPTY512);
    expect(digestOf('abc')).toBe(ABC);
    expect(await digestOf(Readable.from([Buffer.from('a'), Buffer.from('bc')]))).toBe(ABC);
  });

  it.each([
    ['sha256:abc', /needs 64 lowercase hex/],
    ['sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', /lowercase hex/],
    ['md5:d41d8cd98f00b204e9800998ecf8427e', /not supported/],
    ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', /is not "<algorithm>:<encoded>"/],
    ['', /is not "<algorithm>:<encoded>"/],
    [`${EMPTY512.slice(0, -1)}`, /needs 128/],
  ])('rejects %j', (s, re) => {
    expect(isDigest(s)).toBe(false);
    expect(() => parseDigest(s)).toThrow(re);
    try {
      parseDigest(s);
    } catch (err) {
      expect((err as { code: string }).code).toBe('ERR_INVALID_DIGEST');
    }
  });

  it('accepts sha256 and sha512', () => {
    expect(parseDigest(EMPTY256)).toBe(EMPTY256);
    expect(isDigest(EMPTY512)).toBe(true);
    expect(() => parseDigest(42)).toThrow(/expected a string/);
  });

  it('verifyDigest passes matching content through', async () => {
    const out: Buffer[] = [];
    await pipeline(
      Readable.from([Buffer.from('abc')]),
      verifyDigest({ digest: parseDigest(ABC), size: 3 }),
      async (src) => {
        for await (const c of src) out.push(c);
      },
    );
    expect(Buffer.concat(out).toString()).toBe('abc');
  });

  it('verifyDigest(stream, expected) pipes and forwards source errors', async () => {
    const ok = verifyDigest(Readable.from([Buffer.from('abc')]), { digest: parseDigest(ABC), size: 3 });
    expect(Buffer.concat(await ok.toArray()).toString()).toBe('abc');
    const broken = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    await expect(verifyDigest(broken, { digest: parseDigest(ABC) }).toArray()).rejects.toThrow('disk gone');
  });

  it.each([
    ['abd', 3, 'ERR_DIGEST_MISMATCH'],
    ['ab', 3, 'ERR_SIZE_MISMATCH'],
    ['abc\0', 3, 'ERR_SIZE_MISMATCH'],
  ])('verifyDigest fails %j (size %d) with %s at the end', async (body, size, code) => {
    const run = pipeline(
      Readable.from([Buffer.from(body)]),
      verifyDigest({ digest: parseDigest(ABC), size }),
      async (src) => {
        for await (const _ of src) {
        }
      },
    );
    await expect(run).rejects.toMatchObject({ code });
  });
});
