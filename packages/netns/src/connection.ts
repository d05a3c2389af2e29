// A request/response engine over one NETLINK_ROUTE socket: sequence numbers, ACK and
// error decoding (with the kernel's extended-ack text), multipart dumps with an
// NLM_F_DUMP_INTR retry, per-request timeouts and AbortSignal, concurrent requests, and
// batches (several requests in one datagram, each still answered and settled on its own).

import { inspect } from 'node:util';
import { NLM_F, NLMSG } from './codec/constants.js';
import { errnoName } from './codec/errno.js';
import { decodeError, type Message, setSequence, splitMessages } from './codec/message.js';
import { NetlinkError, NetnsError } from './errors.js';
import type { NetlinkTransport } from './transport.js';

export interface RequestOptions {
  /** Shown in errors, in iproute2 terms: `ip link add v0 type veth`. */
  readonly operation?: string;
  readonly signal?: AbortSignal;
  /** @default the connection's timeoutMs */
  readonly timeoutMs?: number;
  /** Dumps only: throw ERR_DUMP_INTERRUPTED instead of returning `inconsistent: true` once retries run out. */
  readonly strict?: boolean;
}

export interface DumpResult {
  readonly messages: Message[];
  /** True when the kernel flagged NLM_F_DUMP_INTR on every attempt: the data may be inconsistent. */
  readonly inconsistent: boolean;
}

export interface ConnectionOptions {
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** Retries of a dump the kernel marked NLM_F_DUMP_INTR (it raced with a change). @default 5 */
  readonly dumpRetries?: number;
}

type Outcome = { messages: Message[]; interrupted: boolean };

/** One request in flight: what its answers collect into, and how it settles (exactly once). */
class Pending {
  readonly messages: Message[] = [];
  interrupted = false;
  /** In a batch: the sequence numbers of its datagram, in order, and this request's place. */
  batch?: { readonly seqs: readonly number[]; readonly index: number };
  /** Sent without NLM_F_ACK (batched, not last): done once a later request is answered. */
  silent?: boolean;
  timer?: NodeJS.Timeout;
  private readonly onAbort?: () => void;

  constructor(
    private readonly owner: Map<number, Pending>,
    readonly seq: number,
    readonly operation: string,
    readonly expectsAck: boolean,
    private readonly signal: AbortSignal | undefined,
    private readonly done: (r: Outcome) => void,
    private readonly failed: (e: unknown) => void,
  ) {
    // Plain methods and one optional listener: this runs for every request of a wiring.
    if (signal) {
      this.onAbort = () => this.reject(signal.reason);
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  resolve(r: Outcome): void {
    if (this.finish()) this.done(r);
  }

  reject(e: unknown): void {
    if (this.finish()) this.failed(e);
  }

  private finish(): boolean {
    if (!this.owner.delete(this.seq)) return false;
    if (this.timer) clearTimeout(this.timer);
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    return true;
  }

  static timedOut(p: Pending, timeoutMs: number): void {
    p.reject(
      new NetnsError(
        'ERR_NETLINK_TIMEOUT',
        `no answer from the kernel to "${p.operation}" within ${timeoutMs} ms; raise timeoutMs if the system is busy`,
      ),
    );
  }
}

export class NetlinkConnection {
  readonly transport: NetlinkTransport;
  readonly timeoutMs: number;
  readonly dumpRetries: number;
  private seq: number;
  private readonly pending = new Map<number, Pending>();
  private reading = false;
  private closed = false;
  /** While batch() runs: the requests queued for its one datagram. */
  private corked: { seq: number; msg: Buffer }[] | undefined;

  constructor(transport: NetlinkTransport, opts: ConnectionOptions = {}) {
    this.transport = transport;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.dumpRetries = opts.dumpRetries ?? 5;
    this.seq = (Date.now() & 0x7fffffff) >>> 0;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Sends one request and resolves with the messages the kernel answered before its ACK
   * (or, for a GET without NLM_F_ACK, with the single reply). Rejects with `ERR_NETLINK`
   * when the kernel answers -errno.
   */
  async request(msg: Buffer, opts: RequestOptions = {}): Promise<Message[]> {
    return (await this.exchange(msg, opts)).messages;
  }

  /** Runs a dump (NLM_F_DUMP), retrying when the kernel flags NLM_F_DUMP_INTR. */
  async dump(msg: Buffer, opts: RequestOptions = {}): Promise<DumpResult> {
    let last: Outcome | undefined;
    for (let attempt = 0; attempt <= this.dumpRetries; attempt++) {
      last = await this.exchange(Buffer.from(msg), opts);
      if (!last.interrupted) return { messages: last.messages, inconsistent: false };
    }
    if (opts.strict) {
      throw new NetnsError(
        'ERR_DUMP_INTERRUPTED',
        `"${opts.operation ?? 'dump'}" was interrupted by concurrent changes (NLM_F_DUMP_INTR) on ${this.dumpRetries + 1} attempts; retry later or raise dumpRetries`,
      );
    }
    return { messages: last?.messages ?? [], inconsistent: true };
  }

  /**
   * Runs `fn` and sends every request it started synchronously (before its first `await`)
   * in one datagram when it returns; returns what `fn` returned. The kernel handles the
   * messages of a datagram in order, each on its own: one failing does not stop the ones
   * after it, and each request's promise settles with its own answer or error. Requests
   * still need no answer from each other (use numeric ifindexes, no lookups). Dumps are
   * refused inside a batch (one socket runs one dump at a time).
   *
   * Only the last request keeps NLM_F_ACK: the kernel reports a failure whether or not an
   * ACK was asked for, and answers in order, so a request sent without it has succeeded as
   * soon as a later one of its datagram is answered (one reply to read instead of one each).
   *
   * @example
   * const [up, route] = conn.batch(() => [links.set(7, { up: true }), routes.add({ dst, dev: 7 })]);
   */
  batch<T>(fn: () => T): T {
    if (this.corked) return fn(); // nested: the outer batch sends
    const queued: { seq: number; msg: Buffer }[] = [];
    this.corked = queued;
    try {
      return fn();
    } finally {
      this.corked = undefined;
      this.flush(queued);
    }
  }

  private flush(queued: readonly { seq: number; msg: Buffer }[]): void {
    if (queued.length === 0) return;
    const seqs = queued.map((q) => q.seq);
    queued.forEach((q, index) => {
      const p = this.pending.get(q.seq);
      if (!p) return;
      p.batch = { seqs, index };
      const flags = q.msg.readUInt16LE(6);
      if (index < queued.length - 1 && flags & NLM_F.ACK) {
        q.msg.writeUInt16LE(flags & ~NLM_F.ACK, 6);
        p.silent = true;
      }
    });
    // Each message padded to NLMSG_ALIGN, as the kernel steps from one to the next.
    const datagram = Buffer.concat(queued.map((q) => (q.msg.length % 4 ? pad4(q.msg) : q.msg)));
    try {
      this.transport.send(datagram);
    } catch (err) {
      for (const q of queued) this.pending.get(q.seq)?.reject(err);
      return;
    }
    this.pump();
  }

  private exchange(msg: Buffer, opts: RequestOptions): Promise<Outcome> {
    const operation = opts.operation ?? `netlink message type ${msg.readUInt16LE(4)}`;
    if (this.closed) {
      return Promise.reject(
        new NetnsError('ERR_NETLINK_CLOSED', `cannot send "${operation}": the rtnetlink connection is closed`),
      );
    }
    opts.signal?.throwIfAborted();
    const flags = msg.readUInt16LE(6);
    if (this.corked && (flags & NLM_F.DUMP) === NLM_F.DUMP) {
      return Promise.reject(
        new NetnsError(
          'ERR_INVALID_ARGUMENT',
          `"${operation}" is a dump, which cannot be batched (one socket runs one dump at a time); run it outside batch()`,
        ),
      );
    }
    this.seq = this.seq >= 0xfffffffe ? 1 : this.seq + 1;
    const seq = this.seq;
    setSequence(msg, seq);
    const expectsAck = (flags & NLM_F.ACK) !== 0 || (flags & NLM_F.DUMP) === NLM_F.DUMP;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      const p = new Pending(this.pending, seq, operation, expectsAck, opts.signal, resolve, reject);
      this.pending.set(seq, p);
      p.timer = setTimeout(Pending.timedOut, timeoutMs, p, timeoutMs);
      if (this.corked) {
        this.corked.push({ seq, msg });
        return;
      }
      try {
        this.transport.send(msg);
      } catch (err) {
        p.reject(err);
        return;
      }
      this.pump();
    });
  }

  private pump(): void {
    if (this.reading || this.closed) return;
    this.reading = true;
    void (async () => {
      try {
        while (this.pending.size > 0 && !this.closed) {
          const datagram = await this.transport.recv();
          for (const m of splitMessages(datagram)) this.dispatch(m);
        }
      } catch (err) {
        const e = this.closed
          ? new NetnsError('ERR_NETLINK_CLOSED', 'the rtnetlink connection was closed with requests in flight', {
              cause: err,
            })
          : err;
        for (const p of [...this.pending.values()]) p.reject(e);
      } finally {
        this.reading = false;
      }
    })();
  }

  private dispatch(m: Message): void {
    const p = this.pending.get(m.seq);
    if (!p) return; // a notification, or the late answer to a request that timed out
    if (p.batch) this.settleSilentBefore(p.batch);
    if (m.flags & NLM_F.DUMP_INTR) p.interrupted = true;
    if (m.type === NLMSG.ERROR) {
      const e = decodeError(m);
      if (e.errno === 0) p.resolve({ messages: p.messages, interrupted: p.interrupted });
      else p.reject(new NetlinkError(e.errno, errnoName(e.errno), p.operation, e.message));
      return;
    }
    if (m.type === NLMSG.DONE) {
      // A dump that failed midway carries -errno in NLMSG_DONE's payload.
      const err = m.payload.length >= 4 ? m.payload.readInt32LE(0) : 0;
      if (err < 0) p.reject(new NetlinkError(-err, errnoName(-err), p.operation));
      else p.resolve({ messages: p.messages, interrupted: p.interrupted });
      return;
    }
    if (m.type === NLMSG.NOOP) return;
    p.messages.push(m);
    if (!p.expectsAck && !(m.flags & NLM_F.MULTI)) p.resolve({ messages: p.messages, interrupted: p.interrupted });
  }

  /** The kernel answered a later message of the datagram, so the silent ones before it succeeded. */
  private settleSilentBefore(batch: { readonly seqs: readonly number[]; readonly index: number }): void {
    for (let i = 0; i < batch.index; i++) {
      const q = this.pending.get(batch.seqs[i]!);
      if (q?.silent) q.resolve({ messages: q.messages, interrupted: false });
    }
  }

  [inspect.custom](): string {
    return `NetlinkConnection port ${this.transport.portId ?? 0}, ${this.pending.size} in flight${this.closed ? ', closed' : ''}`;
  }

  /** Closes the socket; requests in flight reject with ERR_NETLINK_CLOSED. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pending.size > 0) {
      // Built only when needed: an error's stack capture costs more than the rest of close().
      const e = new NetnsError('ERR_NETLINK_CLOSED', 'the rtnetlink connection was closed with requests in flight');
      for (const p of [...this.pending.values()]) p.reject(e);
    }
    this.transport.close();
  }
}

function pad4(msg: Buffer): Buffer {
  return Buffer.concat([msg, Buffer.alloc(4 - (msg.length % 4))]);
}
