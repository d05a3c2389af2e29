import { describe, expect, it } from 'vitest';
import { decodeTarHeader, parsePax } from '../src/archive/tar-header.js';

function block(fields: { name?: string; size?: number; type?: string; magic?: string; prefix?: string }): Buffer {
  const h = Buffer.alloc(512);
  h.write(fields.name ?? 'a', 0);
  h.write(`${(fields.size ?? 0).toString(8).padStart(11, '0')}\0`, 124);
  h.write(fields.type ?? '0', 156);
  h.write(fields.magic ?? 'ustar\u000000', 257);
  if (fields.prefix) h.write(fields.prefix, 345);
  return withChecksum(h);
}

function withChecksum(h: Buffer): Buffer {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

describe('tar header blocks', () => {
  it('decodes name, size and type; a zero block is the end', () => {
    expect(decodeTarHeader(block({ name: 'x/y.tar', size: 1234 }), 0)).toEqual({
      name: 'x/y.tar',
      linkname: '',
      size: 1234,
      type: 'file',
    });
    expect(decodeTarHeader(Buffer.alloc(512), 0)).toBeNull();
  });

  it('joins the ustar prefix, but not for GNU magic', () => {
    expect(decodeTarHeader(block({ name: 'f', prefix: 'p/q' }), 0)?.name).toBe('p/q/f');
    expect(decodeTarHeader(block({ name: 'f', prefix: 'p/q', magic: 'ustar  \0' }), 0)?.name).toBe('f');
  });

  it('reads GNU base-256 sizes', () => {
    const h = block({});
    h.fill(0, 124, 136);
    h[124] = 0x80;
    h.writeUIntBE(2 ** 40 + 5, 130, 6);
    expect(decodeTarHeader(withChecksum(h), 0)?.size).toBe(2 ** 40 + 5);
  });

  it('rejects a bad checksum, a non-octal size and a short block, naming the offset', () => {
    const bad = block({});
    bad[0] = 0x62;
    expect(() => decodeTarHeader(bad, 1536)).toThrow(/byte 1536: header checksum/);
    const size = block({});
    size.write('12x4', 124);
    expect(() => decodeTarHeader(withChecksum(size), 0)).toThrow(/size field "12x4\d*" is not octal/);
    expect(() => decodeTarHeader(Buffer.alloc(100, 1), 0)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARCHIVE' }),
    );
  });

  it('parses PAX path, linkpath and size records, and rejects malformed ones', () => {
    const rec = (k: string, v: string) => {
      const body = ` ${k}=${v}\n`;
      let n = body.length + 1;
      while (Buffer.byteLength(`${n}${body}`) !== n) n++;
      return `${n}${body}`;
    };
    const data = Buffer.from(rec('path', 'é/long') + rec('linkpath', 't') + rec('size', '99') + rec('mtime', '1.5'));
    expect(parsePax(data, 0)).toEqual({ path: 'é/long', linkpath: 't', size: 99 });
    expect(() => parsePax(Buffer.from('99 path=x\n'), 7)).toThrow(/byte 7: malformed PAX record/);
    expect(() => parsePax(Buffer.from(rec('size', '-1')), 0)).toThrow(/is not a size/);
  });
});
