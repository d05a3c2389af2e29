// A growable little-endian byte writer for netlink messages: fixed headers, attributes
// padded to 4 bytes, nested attributes whose length is patched when they close.
import { NLA_F_NESTED } from './constants.js';

export interface NestOptions {
  /** Set NLA_F_NESTED on the type. iproute2 6.1 never does and the kernel accepts both. */
  readonly flag?: boolean;
}

export class MessageWriter {
  private buf: Buffer;
  private off = 0;

  // allocUnsafe (Node's shared pool, no zero fill): every byte up to `off` is written, padding included.
  constructor(size = 256) {
    this.buf = Buffer.allocUnsafe(size);
  }

  get length(): number {
    return this.off;
  }

  private ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf.writeUInt8(v, this.off);
    this.off += 1;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.off);
    this.off += 2;
    return this;
  }

  be16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.off);
    this.off += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.off);
    this.off += 4;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.off);
    this.off += 4;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.off);
    this.off += b.length;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.off, this.off + n);
    this.off += n;
    return this;
  }

  /** Pads with zeros to the next 4-byte boundary (NLMSG_ALIGN / NLA_ALIGN). */
  align(): this {
    const pad = (4 - (this.off & 3)) & 3;
    return pad ? this.zeros(pad) : this;
  }

  /** One attribute: `nla_len` counts the 4-byte header and the unpadded payload. */
  attr(type: number, payload: Uint8Array): this {
    this.u16(4 + payload.length)
      .u16(type)
      .bytes(payload);
    return this.align();
  }

  attrU8(type: number, v: number): this {
    return this.u16(5).u16(type).u8(v).align();
  }

  attrU16(type: number, v: number): this {
    return this.u16(6).u16(type).u16(v).align();
  }

  attrBe16(type: number, v: number): this {
    return this.u16(6).u16(type).be16(v).align();
  }

  attrU32(type: number, v: number): this {
    return this.u16(8).u16(type).u32(v);
  }

  /** A u64 attribute (NDTPA_* times in msecs): 12 bytes, already aligned. */
  attrU64(type: number, v: number | bigint): this {
    this.u16(12).u16(type);
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.off);
    this.off += 8;
    return this;
  }

  /** A string attribute; `nul` appends the terminator (IFLA_IFNAME has it, IFLA_INFO_KIND does not in iproute2). */
  attrString(type: number, s: string, nul = true): this {
    const body = Buffer.from(s, 'utf8');
    this.u16(4 + body.length + (nul ? 1 : 0))
      .u16(type)
      .bytes(body);
    if (nul) this.u8(0);
    return this.align();
  }

  /** Opens a nested attribute; pass the returned offset to `endNest`. */
  beginNest(type: number, opts: NestOptions = {}): number {
    const at = this.off;
    this.u16(0).u16(opts.flag ? type | NLA_F_NESTED : type);
    return at;
  }

  endNest(at: number): this {
    this.buf.writeUInt16LE(this.off - at, at);
    return this;
  }

  nest(type: number, body: (w: this) => void, opts?: NestOptions): this {
    const at = this.beginNest(type, opts);
    body(this);
    return this.endNest(at);
  }

  /** Writes a u32 at an absolute offset (message lengths, sequence numbers). */
  patchU32(at: number, v: number): this {
    this.buf.writeUInt32LE(v >>> 0, at);
    return this;
  }

  /** A copy of the bytes written so far. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.off));
  }
}
