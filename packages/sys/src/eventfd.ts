// eventfd(2) with async reads: cgroup v1 OOM and memory-pressure notifications arrive
// as eventfd counters. The fd is non-blocking; reads wait on the event loop.
import { closeSync } from 'node:fs';
import { inspect } from 'node:util';
import { native } from './binding.js';
import { ClosedError } from './errors.js';
import { Waiter } from './poll.js';
import { checkInt, checkSignal, rangeError, typeError } from './validate.js';

/** eventfd(2) flags: SEMAPHORE makes each read return 1 and decrement by 1. */
export const EFD = Object.freeze({ SEMAPHORE: 1 });

/** An eventfd counter; read() waits on the event loop. */
export interface EventFd {
  readonly fd: number;
  /** The counter (reset to 0, or decremented by 1 with EFD.SEMAPHORE); waits until non-zero. */
  read(opts?: { signal?: AbortSignal }): Promise<bigint>;
  /** Adds `n` to the counter. */
  write(n: bigint | number): void;
  /** Closes the fd; a pending read rejects with ERR_CLOSED. */
  close(): void;
}

const MAX = 0xfffffffffffffffen;

class EventFdImpl implements EventFd {
  readonly fd: number;
  readonly #waiter: Waiter;
  #closed = false;

  constructor(fd: number) {
    this.fd = fd;
    this.#waiter = new Waiter(fd);
  }

  read(opts: { signal?: AbortSignal } = {}): Promise<bigint> {
    this.#open();
    const signal = checkSignal('opts.signal', opts.signal);
    return this.#waiter.until(() => native().eventfdRead(this.fd)?.readBigUInt64LE(0) ?? null, signal);
  }

  write(n: bigint | number): void {
    this.#open();
    if (typeof n !== 'bigint' && typeof n !== 'number') throw typeError('n', 'a bigint or number', n);
    const v = typeof n === 'number' ? BigInt(checkInt('n', n, 1, Number.MAX_SAFE_INTEGER)) : n;
    if (v < 1n || v > MAX) throw rangeError('n', `>= 1 and <= ${MAX}`, n);
    native().eventfdWrite(this.fd, v);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiter.close();
    closeSync(this.fd);
  }

  #open(): void {
    if (this.#closed) throw new ClosedError('ERR_CLOSED', `eventfd ${this.fd} is closed`);
  }

  [inspect.custom](): string {
    return `EventFd { ${this.#closed ? 'closed' : `fd: ${this.fd}`} }`;
  }
}

/** A new eventfd (O_CLOEXEC, non-blocking) starting at `initval`. */
export function eventfd(initval = 0, flags = 0): EventFd {
  checkInt('initval', initval, 0, 0xffffffff);
  checkInt('flags', flags, 0, EFD.SEMAPHORE);
  return new EventFdImpl(native().eventfd(initval, flags));
}
