// Waiting for a descriptor to become readable on the event loop (libuv poll), then
// retrying a non-blocking call: how recv, accept, recvFd and eventfd reads stay async
// without parking a thread in a blocking syscall.
import { getSystemErrorName } from 'node:util';
import { type NativePoll, native } from './binding.js';
import { ClosedError, SyscallError } from './errors.js';

function pollError(status: number): SyscallError {
  const code = getSystemErrorName(status);
  return new SyscallError(`${code}: poll failed, uv_poll`, code, status, 'uv_poll');
}

/**
 * One libuv poll handle on one fd. `until(attempt)` calls `attempt` (a non-blocking
 * syscall returning null for "would block") and waits for readability between tries.
 * Calls queue behind each other: a poll handle serves one waiter at a time.
 */
export class Waiter {
  #fd: number;
  #poll: NativePoll | null = null;
  #tail: Promise<unknown> = Promise.resolve();
  #cancel: ((err: Error) => void) | null = null;
  #closed = false;

  constructor(fd: number) {
    this.#fd = fd;
  }

  until<T>(attempt: () => T | null, signal?: AbortSignal): Promise<T> {
    const run = this.#tail.then(() => this.#loop(attempt, signal));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #loop<T>(attempt: () => T | null, signal?: AbortSignal): Promise<T> {
    for (;;) {
      if (this.#closed) throw new ClosedError('ERR_CLOSED', `fd ${this.#fd} was closed while waiting on it`);
      signal?.throwIfAborted();
      const got = attempt();
      if (got !== null) return got;
      await this.#readable(signal);
    }
  }

  #readable(signal?: AbortSignal): Promise<void> {
    this.#poll ??= new (native().Poll)(this.#fd);
    const poll = this.#poll;
    return new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        poll.stop();
        this.#cancel = null;
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const onAbort = () => settle(signal?.reason as Error);
      this.#cancel = settle;
      signal?.addEventListener('abort', onAbort, { once: true });
      // DISCONNECT too: a peer hang-up must wake the waiter so the retry sees EOF.
      const ev = native().pollEvents;
      poll.start(ev.READABLE | ev.DISCONNECT, (status) => settle(status < 0 ? pollError(status) : undefined));
    });
  }

  /** Stops polling; a pending `until` rejects with ERR_CLOSED. Call before closing the fd. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancel?.(new ClosedError('ERR_CLOSED', `fd ${this.#fd} was closed while waiting on it`));
    this.#poll?.close();
    this.#poll = null;
  }
}
