import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';
import { checksumOk, readNumber } from '../../src/archive/tar-header.js';
import { encodeHeader } from '../../src/archive/tar-writer.js';
import { buildTar, D, F, H, parseAll, S } from './tar-helpers.js';

describe('tar numbers', () => {
  it('reads octal with space and NUL padding', () => {
    expect(readNumber(Buffer.from('0000644\0'), 0, 8)).toBe(0o644);
    expect(readNumber(Buffer.from(' 644 \0\0\0'), 0, 8)).toBe(0o644);
    expect(readNumber(Buffer.from('\0\0\0\0\0\0\0\0'), 0, 8)).toBe(0);
  });
  it('rejects garbage as NaN', () => {
    expect(readNumber(Buffer.from('00x0644\0'), 0, 8)).toBeNaN();
    expect(readNumber(Buffer.from('0064 4\0\0'), 0, 8)).toBeNaN();
  });
  it('reads GNU base-256, positive and negative', () => {
    const pos = Buffer.alloc(12);
    pos[0] = 0x80;
    pos.writeUIntBE(2 ** 40 + 5, 6, 6);
    expect(readNumber(pos, 0, 12)).toBe(2 ** 40 + 5);
    expect(readNumber(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0, 8)).toBe(-1);
    expect(readNumber(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]), 0, 8)).toBe(-2);
  });
});

describe('TarParser', () => {
  const entries = [
    D('dir'),
    F('dir/file', 'hello world'),
    S('dir/link', '../../etc/passwd'),
    H('dir/hard', 'dir/file'),
    F(`${'a'.repeat(95)}/${'b'.repeat(40)}`, 'long'),
    { ...F('x', 'x'), uid: 1 << 22, gid: 3_000_000, mtime: { sec: 1_700_000_000, nsec: 123_456_789 } },
    {
      ...F('xattr', 'x'),
      xattrs: [
        ['security.capability', Buffer.from([1, 0, 0, 2, 0xff])] as const,
        ['user.a', Buffer.from('1')] as const,
      ],
    },
    { name: 'dev', type: 'char' as const, devmajor: 1, devminor: 3, mode: 0o666 },
  ];

  it('round-trips our writer, in every chunking', () => {
    const tar = buildTar(entries);
    for (const chunk of [1, 7, 511, 512, 513, 4096, tar.length]) {
      const { entries: got, trailing } = parseAll(tar, chunk);
      expect(trailing).toBe(0);
      expect(got.map((e) => e.header.name)).toEqual(entries.map((e) => e.name));
      expect(got[1]!.content.toString()).toBe('hello world');
      expect(got[2]!.header).toMatchObject({ type: 'symlink', linkname: '../../etc/passwd' });
      expect(got[3]!.header).toMatchObject({ type: 'hardlink', linkname: 'dir/file' });
      expect(got[4]!.content.toString()).toBe('long');
      expect(got[5]!.header).toMatchObject({
        uid: 1 << 22,
        gid: 3_000_000,
        mtime: { sec: 1_700_000_000, nsec: 123_456_789 },
      });
      expect([...got[6]!.header.xattrs.keys()]).toEqual(['security.capability', 'user.a']);
      expect(got[6]!.header.xattrs.get('security.capability')).toEqual(Buffer.from([1, 0, 0, 2, 0xff]));
      expect(got[7]!.header).toMatchObject({ type: 'char', devmajor: 1, devminor: 3, mode: 0o666 });
    }
  });

  it('writes valid checksums', () => {
    expect(
      checksumOk(
        encodeHeader({ name: 'a', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: { sec: 0, nsec: 0 } }),
      ),
    ).toBe(true);
  });

  it('counts trailing bytes after the end-of-archive marker', () => {
    const tar = Buffer.concat([buildTar([F('a', 'x')]), Buffer.from('junk after the end')]);
    expect(parseAll(tar, 100).trailing).toBe(18);
  });

  it('accepts a tar that stops at an entry boundary without zero blocks', () => {
    expect(parseAll(buildTar([F('a', 'x')], { end: false })).entries).toHaveLength(1);
  });

  it('fails on a bad checksum with ERR_INVALID_LAYER', () => {
    const tar = buildTar([F('a', 'x')]);
    tar[0] = 0x62;
    expect(() => parseAll(tar)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_LAYER' }));
  });

  it('fails on a NUL inside a PAX path or link name (found by the fuzz test)', () => {
    const long = `${'d/'.repeat(60)}f`;
    expect(() => parseAll(buildTar([F(`a\0${long}`, 'x')]))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_LAYER', message: expect.stringMatching(/NUL byte/) }),
    );
    expect(() => parseAll(buildTar([S('l', `t\0${long}`)]))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_LAYER' }),
    );
  });

  it('fails on truncation inside an entry, naming it', () => {
    const tar = buildTar([F('victim-entry', 'x'.repeat(1000))]).subarray(0, 700);
    expect(() => parseAll(tar)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_LAYER', entry: 'victim-entry' }));
  });

  it('ignores PAX global headers (F4)', () => {
    const g = encodeHeader({
      name: 'pax_global_header',
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: 0,
      mtime: { sec: 0, nsec: 0 },
    });
    g.write('g', 156, 'latin1');
    // fix the checksum after changing the typeflag
    g.fill(0x20, 148, 156);
    let sum = 0;
    for (const c of g.subarray(0, 512)) sum += c;
    g.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const { entries: got } = parseAll(Buffer.concat([g, buildTar([F('a', 'x')])]));
    expect(got.map((e) => e.header.name)).toEqual(['a']);
  });

  describe.runIf(which('tar'))('reads what GNU tar writes (F5)', () => {
    const formats = ['gnu', 'ustar', 'pax', 'posix', 'oldgnu'];
    for (const format of formats) {
      it(`--format=${format}`, () => {
        const dir = mkdtempSync(join(tmpdir(), 'ctrkit-tar-'));
        try {
          const long = `${'a'.repeat(95)}/foo`;
          mkdirSync(join(dir, 'src', 'a'.repeat(95)), { recursive: true });
          writeFileSync(join(dir, 'src', long), 'prefix');
          if (format !== 'ustar') {
            const deep = join(dir, 'src', 'd'.repeat(120));
            writeFileSync(deep, 'gnu-long');
            symlinkSync('t'.repeat(150), join(dir, 'src', 'l'));
          }
          const tar = execFileSync('tar', [`--format=${format}`, '-C', join(dir, 'src'), '-cf', '-', '.']);
          const { entries: got } = parseAll(tar, 1000);
          const byName = new Map(got.map((e) => [e.header.name.replace(/^\.\//, ''), e]));
          expect(byName.get(long)?.content.toString()).toBe('prefix');
          if (format !== 'ustar') {
            expect(byName.get('d'.repeat(120))?.content.toString()).toBe('gnu-long');
            expect(byName.get('l')?.header.linkname).toBe('t'.repeat(150));
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
});
