// Decoding of 512-byte tar header blocks (ustar, GNU and PAX), enough to walk a docker
// archive by offset: name, type, size and link name. Pure functions, no I/O.
import { OciImageError } from '../errors.js';

export const BLOCK = 512;

export type TarEntryType =
  | 'file'
  | 'link'
  | 'symlink'
  | 'directory'
  | 'pax'
  | 'pax-global'
  | 'gnu-long-name'
  | 'gnu-long-link'
  | 'other';

export interface TarHeaderBlock {
  readonly name: string;
  readonly linkname: string;
  readonly size: number;
  readonly type: TarEntryType;
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'link',
  '2': 'symlink',
  '5': 'directory',
  x: 'pax',
  g: 'pax-global',
  L: 'gnu-long-name',
  K: 'gnu-long-link',
};

/** Decodes one header block; `null` for an all-zero block (the end-of-archive marker). */
export function decodeTarHeader(block: Uint8Array, at: number): TarHeaderBlock | null {
  if (block.length < BLOCK) throw invalid(at, 'the archive ends inside a header');
  if (block.subarray(0, BLOCK).every((b) => b === 0)) return null;
  const stored = octal(block, 148, 8, at, 'checksum');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  if (sum !== stored)
    throw invalid(at, `header checksum ${stored} does not match ${sum}; not a tar archive or corrupt`);
  let name = text(block, 0, 100);
  // ustar keeps a prefix for names over 100 bytes (GNU tar's "ustar  " magic does not).
  if (text(block, 257, 6) === 'ustar') {
    const prefix = text(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return {
    name,
    linkname: text(block, 157, 100),
    size: size(block, at),
    type: TYPES[String.fromCharCode(block[156]!)] ?? 'other',
  };
}

/** The path, linkpath and size records of a PAX extended header. */
export function parsePax(data: Uint8Array, at: number): { path?: string; linkpath?: string; size?: number } {
  const out: { path?: string; linkpath?: string; size?: number } = {};
  const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
  let i = 0;
  while (i < buf.length) {
    const space = buf.indexOf(0x20, i);
    const len = Number(buf.toString('latin1', i, space));
    if (space < 0 || !Number.isSafeInteger(len) || len <= 0 || i + len > buf.length)
      throw invalid(at, 'malformed PAX record');
    const record = buf.toString('utf8', space + 1, i + len - 1);
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    else if (key === 'linkpath') out.linkpath = value;
    else if (key === 'size') {
      const n = Number(value);
      if (!Number.isSafeInteger(n) || n < 0) throw invalid(at, `PAX size ${JSON.stringify(value)} is not a size`);
      out.size = n;
    }
    i += len;
  }
  return out;
}

/** A NUL-terminated string field (a GNU long name's data ends with NUL too). */
export function text(b: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && end < b.length && b[end] !== 0) end++;
  return Buffer.from(b.buffer, b.byteOffset + off, end - off).toString('utf8');
}

function size(b: Uint8Array, at: number): number {
  // GNU base-256: the high bit of the first byte set, big-endian binary after it.
  if (b[124]! & 0x80) {
    let n = b[124]! & 0x7f;
    for (let i = 125; i < 136; i++) n = n * 256 + b[i]!;
    if (!Number.isSafeInteger(n)) throw invalid(at, 'member size is too large');
    return n;
  }
  return octal(b, 124, 12, at, 'size');
}

function octal(b: Uint8Array, off: number, len: number, at: number, field: string): number {
  const s = text(b, off, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw invalid(at, `${field} field ${JSON.stringify(s)} is not octal`);
  return Number.parseInt(s, 8);
}

function invalid(at: number, why: string): OciImageError {
  return new OciImageError('ERR_INVALID_ARCHIVE', `tar header at byte ${at}: ${why}`);
}
