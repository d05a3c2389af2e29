// One 512-byte tar header block: numbers (octal or base-256), the checksum and the
// USTAR/GNU layouts. Pure functions over bytes; the streaming state lives in tar-parser.ts.
import { InvalidLayerError } from './errors.js';

export const BLOCK = 512;

/** The kinds of entry a layer can hold (after PAX/GNU meta entries are folded in). */
export type EntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface Timestamp {
  readonly sec: number;
  readonly nsec: number;
}

/** A tar entry's header with PAX and GNU long-name records already applied. */
export interface TarHeader {
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Timestamp;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  /** `SCHILY.xattr.*` records, name → raw value. */
  xattrs: Map<string, Uint8Array>;
}

/** The raw typeflag of a header block, before meta entries are interpreted. */
export type RawType = EntryType | 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink';

const TYPES: Record<string, RawType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
  x: 'pax',
  g: 'pax-global',
  L: 'gnu-longname',
  K: 'gnu-longlink',
};

/** True when the block is all zeros (half of the end-of-archive marker). */
export function isZeroBlock(b: Uint8Array, off = 0): boolean {
  for (let i = off; i < off + BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

/** A NUL-terminated string field. */
export function readString(b: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return Buffer.from(b.buffer, b.byteOffset + off, end - off).toString('utf8');
}

/**
 * A numeric field: octal ASCII (space/NUL padded) or GNU base-256 (high bit set on the
 * first byte; 0xff means negative). Returns NaN for garbage so callers can name the field.
 */
export function readNumber(b: Uint8Array, off: number, len: number): number {
  const first = b[off] ?? 0;
  if (first & 0x80) {
    // Base-256: big-endian two's complement of the whole field, the marker bit excluded.
    let v = BigInt(first & 0x7f);
    for (let i = off + 1; i < off + len; i++) v = (v << 8n) | BigInt(b[i] ?? 0);
    if (first & 0x40) v -= 1n << BigInt(len * 8 - 1);
    return Number(v);
  }
  let i = off;
  const end = off + len;
  while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
  let v = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = b[i] ?? 0;
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) return Number.NaN;
    v = v * 8 + (c - 0x30);
    digits++;
  }
  for (; i < end; i++) if (b[i] !== 0x20 && b[i] !== 0) return Number.NaN;
  return digits === 0 ? 0 : v;
}

/** Verifies the header checksum (unsigned, or the signed variant some old tars wrote). */
export function checksumOk(b: Uint8Array, off = 0): boolean {
  const stored = readNumber(b, off + 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : (b[off + i] ?? 0);
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

export interface RawHeader {
  readonly rawType: RawType;
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly linkname: string;
  readonly uname: string;
  readonly gname: string;
  readonly devmajor: number;
  readonly devminor: number;
}

/** Decodes one header block, validating the checksum and every numeric field. */
export function decodeHeader(b: Uint8Array, off: number, where: number): RawHeader {
  if (!checksumOk(b, off)) {
    throw new InvalidLayerError(`tar header checksum mismatch at byte ${where}: the layer is corrupt or not a tar`);
  }
  const flag = String.fromCharCode(b[off + 156] ?? 0);
  let name = readString(b, off, 100);
  const rawType = TYPES[flag];
  if (rawType === undefined) {
    throw new InvalidLayerError(`unsupported tar entry type ${JSON.stringify(flag)} at byte ${where}`, name);
  }
  // USTAR ("ustar\0" "00") has a 155-byte prefix; GNU ("ustar " " \0") stores atime there.
  const ustar = b[off + 257] === 0x75 && readString(b, off + 257, 6) === 'ustar' && b[off + 262] === 0;
  if (ustar) {
    const prefix = readString(b, off + 345, 155);
    if (prefix.length > 0) name = `${prefix}/${name}`;
  }
  const num = (o: number, len: number, field: string): number => {
    const v = readNumber(b, off + o, len);
    if (Number.isNaN(v))
      throw new InvalidLayerError(`tar header field ${field} is not a number at byte ${where}`, name);
    return v;
  };
  const h: RawHeader = {
    rawType,
    name,
    mode: num(100, 8, 'mode'),
    uid: num(108, 8, 'uid'),
    gid: num(116, 8, 'gid'),
    size: num(124, 12, 'size'),
    mtime: num(136, 12, 'mtime'),
    linkname: readString(b, off + 157, 100),
    uname: readString(b, off + 265, 32),
    gname: readString(b, off + 297, 32),
    devmajor: num(329, 8, 'devmajor'),
    devminor: num(337, 8, 'devminor'),
  };
  if (h.size < 0 || !Number.isSafeInteger(h.size)) {
    throw new InvalidLayerError(`tar entry size ${h.size} is out of range at byte ${where}`, name);
  }
  return h;
}
