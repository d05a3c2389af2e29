// Hostile-input fuzzing: random corruption of real layer blobs (bit flips, byte
// overwrites, truncation, insertion, header-field rewrites), plain and gzip. Every
// case must end in success or a typed ctrkit error, never an untyped exception, and
// never touch anything outside the root (a victim sibling is checked after each case).
// CTRKIT_FUZZ_CASES overrides the default of 5000.
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTempDir, requires } from '@ctrkit/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLayer } from '../src/archive/apply-layer.js';
import { isCtrkitError } from '../src/errors.js';
import { buildTar, D, F, H, S, W } from './archive/tar-helpers.js';

const gate = requires('root', 'openat2');
const CASES = Number(process.env.CTRKIT_FUZZ_CASES ?? 5000);

function victimState(dir: string): string {
  return readdirSync(dir)
    .sort()
    .map((n) => {
      const st = lstatSync(join(dir, n));
      return `${n} ${st.mode} ${st.mtimeMs} ${createHash('sha256')
        .update(readFileSync(join(dir, n)))
        .digest('hex')}`;
    })
    .join('\n');
}

describe.runIf(gate.ok)('hostile input fuzzing', () => {
  let tmp = '';
  let seeds: Buffer[] = [];
  beforeAll(async () => {
    tmp = await makeTempDir('fuzz');
    mkdirSync(join(tmp, 'victim'));
    writeFileSync(join(tmp, 'victim', 'hello'), randomBytes(64));
    const layer = buildTar([
      D('etc'),
      F('etc/passwd', 'root:x:0:0'),
      S('etc/link', '../../victim/hello'),
      H('etc/hard', 'etc/passwd'),
      F(`${'long/'.repeat(30)}file`, 'deep'),
      { ...F('x', 'y'.repeat(3000)), xattrs: [['user.a', Buffer.from('1')] as const] },
      { name: 'dev', type: 'char', devmajor: 1, devminor: 3, mode: 0o600 },
      S('up', '../victim'),
      F('up/pwn', 'p'),
      W('etc/.wh.gone'),
      W('etc/.wh..wh..opq'),
    ]);
    seeds = [layer, gzipSync(layer)];
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const mutation = fc.record({
    seed: fc.nat(1),
    kind: fc.constantFrom('flip', 'byte', 'truncate', 'insert', 'field', 'zero'),
    pos: fc.double({ min: 0, max: 1, noNaN: true }),
    value: fc.nat(255),
    count: fc.integer({ min: 1, max: 8 }),
  });

  type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;
  function mutate(m: Mutation): Buffer {
    const src = seeds[m.seed]!;
    const b = Buffer.from(src);
    const at = Math.floor(m.pos * b.length);
    switch (m.kind) {
      case 'flip':
        for (let i = 0; i < m.count; i++) b[(at + i * 97) % b.length]! ^= 1 << (m.value % 8);
        return b;
      case 'byte':
        for (let i = 0; i < m.count; i++) b[(at + i * 31) % b.length] = (m.value + i) & 0xff;
        return b;
      case 'truncate':
        return b.subarray(0, at);
      case 'insert':
        return Buffer.concat([b.subarray(0, at), Buffer.alloc(m.count, m.value), b.subarray(at)]);
      case 'zero':
        return Buffer.concat([b.subarray(0, at - (at % 512)), Buffer.alloc(512), b.subarray(at - (at % 512))]);
      default: {
        // Rewrite a numeric header field of some entry with garbage, then fix the checksum.
        if (m.seed === 1) return b.subarray(0, at);
        const hdr = Math.floor((at / 512) | 0) * 512;
        const fields = [100, 108, 116, 124, 136, 329, 337, 156];
        const off = hdr + fields[m.value % fields.length]!;
        for (let i = 0; i < m.count && off + i < b.length; i++) b[off + i] = (m.value * (i + 7)) & 0xff;
        if (hdr + 512 <= b.length) {
          b.fill(0x20, hdr + 148, hdr + 156);
          let sum = 0;
          for (let i = hdr; i < hdr + 512; i++) sum += b[i]!;
          b.write(`${sum.toString(8).padStart(6, '0')}\0 `, hdr + 148, 'latin1');
        }
        return b;
      }
    }
  }

  it(`${CASES} corrupted layers give typed errors only and never escape`, async () => {
    const before = victimState(join(tmp, 'victim'));
    let n = 0;
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const root = join(tmp, `r${n++}`);
        mkdirSync(root);
        try {
          await applyLayer(root, [mutate(m)], { onWarning: () => {} });
          outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
        } catch (e) {
          if (!isCtrkitError(e)) throw e;
          outcomes.set(e.code, (outcomes.get(e.code) ?? 0) + 1);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
        expect(readdirSync(tmp).filter((x) => x !== 'victim')).toEqual([]);
        expect(victimState(join(tmp, 'victim'))).toBe(before);
      }),
      { numRuns: CASES },
    );
    console.log('fuzz outcomes', Object.fromEntries(outcomes));
    expect(outcomes.size).toBeGreaterThan(2);
  }, 600_000);
});
