// A scripted stand-in for the kernel end of a NETLINK_ROUTE socket, for unit tests of the
// connection's own logic (sequence matching, dumps, DUMP_INTR, timeouts, close). The real
// kernel is exercised by the system tests.
import type { NetlinkTransport } from '../../src/transport.js';

export type Responder = (request: Buffer, kernel: FakeKernel) => void;

export class FakeKernel implements NetlinkTransport {
  readonly portId = 4242;
  readonly sent: Buffer[] = [];
  private queue: Buffer[] = [];
  private waiter: { resolve(b: Buffer): void; reject(e: unknown): void } | undefined;
  private closed = false;

  constructor(private readonly responder: Responder) {}

  send(buf: Uint8Array): void {
    const b = Buffer.from(buf);
    this.sent.push(b);
    queueMicrotask(() => this.responder(b, this));
  }

  /** Queues one datagram (several messages concatenated) for recv(). */
  deliver(...messages: Buffer[]): void {
    const d = Buffer.concat(messages);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(d);
    } else this.queue.push(d);
  }

  recv(): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('closed'));
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  close(): void {
    this.closed = true;
    this.waiter?.reject(new Error('closed'));
    this.waiter = undefined;
  }
}

export function header(len: number, type: number, flags: number, seq: number, pid = 4242): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(len, 0);
  b.writeUInt16LE(type, 4);
  b.writeUInt16LE(flags, 6);
  b.writeUInt32LE(seq, 8);
  b.writeUInt32LE(pid, 12);
  return b;
}

/** NLMSG_ERROR for `request`: errno 0 is an ACK; `ext` adds an NLMSGERR_ATTR_MSG TLV (capped). */
export function errorReply(request: Buffer, errno = 0, ext?: string): Buffer {
  const seq = request.readUInt32LE(8);
  const echoed = request.subarray(0, 16);
  let tlv = Buffer.alloc(0);
  if (ext) {
    const s = Buffer.concat([Buffer.from(ext), Buffer.alloc(1)]);
    const len = 4 + s.length;
    tlv = Buffer.alloc((len + 3) & ~3);
    tlv.writeUInt16LE(len, 0);
    tlv.writeUInt16LE(1, 2);
    s.copy(tlv, 4);
  }
  const body = Buffer.alloc(4);
  body.writeInt32LE(-errno, 0);
  const flags = ext ? 0x100 | 0x200 : 0x100;
  const total = 16 + 4 + 16 + tlv.length;
  return Buffer.concat([header(total, 2, flags, seq), body, echoed, tlv]);
}

export function doneReply(request: Buffer): Buffer {
  return Buffer.concat([header(20, 3, 2, request.readUInt32LE(8)), Buffer.alloc(4)]);
}

/** A message of `type` with `payload`, answering `request`. */
export function replyMessage(request: Buffer, type: number, flags: number, payload: Buffer): Buffer {
  const padded = Buffer.alloc((payload.length + 3) & ~3);
  payload.copy(padded);
  return Buffer.concat([header(16 + payload.length, type, flags, request.readUInt32LE(8)), padded]);
}
