// Decoding of netlink attribute streams (`struct nlattr` runs), tolerant of the padding
// rules, strict about lengths: a truncated attribute is a protocol error, not a crash.
import { NetnsError } from '../errors.js';
import { NLA_F_NESTED, NLA_TYPE_MASK } from './constants.js';

export interface Attribute {
  /** The type with NLA_F_NESTED / NLA_F_NET_BYTEORDER masked off. */
  readonly type: number;
  readonly nested: boolean;
  /** The payload, without header or padding (a view into the message). */
  readonly data: Buffer;
}

export function parseAttributes(buf: Buffer, start = 0, end = buf.length): Attribute[] {
  const out: Attribute[] = [];
  let off = start;
  while (off + 4 <= end) {
    const len = buf.readUInt16LE(off);
    const rawType = buf.readUInt16LE(off + 2);
    if (len < 4 || off + len > end) {
      throw new NetnsError(
        'ERR_NETLINK_PROTOCOL',
        `malformed netlink attribute at offset ${off}: nla_len ${len} with ${end - off} bytes left; the message is truncated or not rtnetlink`,
      );
    }
    out.push({
      type: rawType & NLA_TYPE_MASK,
      nested: (rawType & NLA_F_NESTED) !== 0,
      data: buf.subarray(off + 4, off + len),
    });
    off += (len + 3) & ~3;
  }
  return out;
}

/**
 * The payloads of a few attribute types from one level of `buf`, scanned without building
 * the whole list (large replies such as RTM_NEWLINK carry ~50 attributes). The last one wins
 * when a type repeats, as with attributeMap; lengths are checked as in parseAttributes.
 */
export function pickAttributes(buf: Buffer, start: number, types: readonly number[]): (Buffer | undefined)[] {
  const out: (Buffer | undefined)[] = types.map(() => undefined);
  let off = start;
  while (off + 4 <= buf.length) {
    const len = buf.readUInt16LE(off);
    if (len < 4 || off + len > buf.length) {
      throw new NetnsError(
        'ERR_NETLINK_PROTOCOL',
        `malformed netlink attribute at offset ${off}: nla_len ${len} with ${buf.length - off} bytes left; the message is truncated or not rtnetlink`,
      );
    }
    const i = types.indexOf(buf.readUInt16LE(off + 2) & NLA_TYPE_MASK);
    if (i !== -1) out[i] = buf.subarray(off + 4, off + len);
    off += (len + 3) & ~3;
  }
  return out;
}

/** Attributes by type (the last one wins when a type repeats, as the kernel's nla_parse does). */
export function attributeMap(attrs: readonly Attribute[]): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (const a of attrs) m.set(a.type, a.data);
  return m;
}

export function readU8(b: Buffer | undefined): number | undefined {
  return b && b.length >= 1 ? b.readUInt8(0) : undefined;
}

export function readU16(b: Buffer | undefined): number | undefined {
  return b && b.length >= 2 ? b.readUInt16LE(0) : undefined;
}

export function readBe16(b: Buffer | undefined): number | undefined {
  return b && b.length >= 2 ? b.readUInt16BE(0) : undefined;
}

export function readU32(b: Buffer | undefined): number | undefined {
  return b && b.length >= 4 ? b.readUInt32LE(0) : undefined;
}

export function readI32(b: Buffer | undefined): number | undefined {
  return b && b.length >= 4 ? b.readInt32LE(0) : undefined;
}

/** A C string attribute: up to the first NUL, or the whole payload when there is none. */
export function readString(b: Buffer | undefined): string | undefined {
  if (!b) return undefined;
  const nul = b.indexOf(0);
  return b.toString('utf8', 0, nul === -1 ? b.length : nul);
}
