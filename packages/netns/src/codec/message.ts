// nlmsghdr framing: building one request, splitting a datagram into messages, and
// decoding NLMSG_ERROR (the ACK, or -errno plus the extended-ack TLVs).
import { NetnsError } from '../errors.js';
import { parseAttributes, readString, readU32 } from './attributes.js';
import { NLM_F, NLMSG, NLMSGERR_ATTR } from './constants.js';
import { MessageWriter } from './writer.js';

export const NLMSG_HDRLEN = 16;

export interface MessageHeader {
  readonly length: number;
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
}

export interface Message extends MessageHeader {
  /** Everything after the 16-byte header (family header + attributes). */
  readonly payload: Buffer;
}

/**
 * Builds one request: the 16-byte header, then `body` (family header and attributes).
 * `seq` defaults to 0; the connection patches bytes 8–11 with its own sequence number.
 */
export function buildMessage(type: number, flags: number, body: (w: MessageWriter) => void, seq = 0): Buffer {
  const w = new MessageWriter();
  w.u32(0).u16(type).u16(flags).u32(seq).u32(0);
  body(w);
  w.patchU32(0, w.length);
  return w.finish();
}

export function setSequence(msg: Buffer, seq: number): void {
  msg.writeUInt32LE(seq >>> 0, 8);
}

export function decodeHeader(buf: Buffer, off = 0): MessageHeader {
  if (buf.length - off < NLMSG_HDRLEN) {
    throw new NetnsError(
      'ERR_NETLINK_PROTOCOL',
      `netlink message header truncated: ${buf.length - off} bytes at offset ${off}, need 16`,
    );
  }
  return {
    length: buf.readUInt32LE(off),
    type: buf.readUInt16LE(off + 4),
    flags: buf.readUInt16LE(off + 6),
    seq: buf.readUInt32LE(off + 8),
    pid: buf.readUInt32LE(off + 12),
  };
}

/** Splits one received datagram into its messages (the kernel packs several per recv). */
export function splitMessages(buf: Buffer): Message[] {
  const out: Message[] = [];
  let off = 0;
  while (off + NLMSG_HDRLEN <= buf.length) {
    const h = decodeHeader(buf, off);
    if (h.length < NLMSG_HDRLEN || off + h.length > buf.length) {
      throw new NetnsError(
        'ERR_NETLINK_PROTOCOL',
        `netlink message at offset ${off} claims ${h.length} bytes but ${buf.length - off} remain`,
      );
    }
    out.push({ ...h, payload: buf.subarray(off + NLMSG_HDRLEN, off + h.length) });
    off += (h.length + 3) & ~3;
  }
  return out;
}

export interface ErrorReply {
  /** 0 for an ACK, else the positive errno. */
  readonly errno: number;
  /** The extended-ack message (`NLMSGERR_ATTR_MSG`), if any. */
  readonly message?: string;
  /** Byte offset, within the request, of the attribute the kernel objected to. */
  readonly offset?: number;
  /** The request's header, echoed by the kernel. */
  readonly request: MessageHeader;
}

export function decodeError(msg: Message): ErrorReply {
  if (msg.type !== NLMSG.ERROR || msg.payload.length < 4 + NLMSG_HDRLEN) {
    throw new NetnsError(
      'ERR_NETLINK_PROTOCOL',
      `NLMSG_ERROR payload too short (${msg.payload.length} bytes, need 20)`,
    );
  }
  const error = msg.payload.readInt32LE(0);
  const request = decodeHeader(msg.payload, 4);
  let message: string | undefined;
  let offset: number | undefined;
  if (msg.flags & NLM_F.ACK_TLVS) {
    // Without NLM_F_CAPPED the whole request is echoed before the TLVs.
    const echoed = msg.flags & NLM_F.CAPPED ? NLMSG_HDRLEN : Math.max(request.length, NLMSG_HDRLEN);
    const tlvStart = 4 + ((echoed + 3) & ~3);
    if (tlvStart <= msg.payload.length) {
      for (const a of parseAttributes(msg.payload, tlvStart)) {
        if (a.type === NLMSGERR_ATTR.MSG) message = readString(a.data);
        else if (a.type === NLMSGERR_ATTR.OFFS) offset = readU32(a.data);
      }
    }
  }
  const reply: ErrorReply = { errno: error === 0 ? 0 : -error, request };
  return {
    ...reply,
    ...(message !== undefined ? { message } : {}),
    ...(offset !== undefined ? { offset } : {}),
  };
}
