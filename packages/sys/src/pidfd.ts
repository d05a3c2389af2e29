// pidfd_open(2): a stable handle on a process (no pid-reuse race), with an async exit
// notification. Works for any process, not only our children: the pidfd polls readable
// once the process has exited.
import { closeSync } from 'node:fs';
import { constants } from 'node:os';
import { inspect } from 'node:util';
import { native } from './binding.js';
import { ClosedError } from './errors.js';
import { Waiter } from './poll.js';
import { checkInt, typeError, valueError } from './validate.js';

/** A pidfd: a handle on one process that cannot be confused by pid reuse. */
export interface PidFd {
  readonly fd: number;
  readonly pid: number;
  /** Resolves when the process exits (created on first access; keeps the event loop alive). */
  readonly exited: Promise<void>;
  /** pidfd_send_signal(2): a number or a name such as 'SIGTERM'. */
  sendSignal(sig: number | string): void;
  /** Closes the pidfd; a pending `exited` rejects with ERR_CLOSED. */
  close(): void;
}

function signalNumber(sig: unknown): number {
  if (typeof sig === 'number') return checkInt('sig', sig, 0, 64);
  if (typeof sig !== 'string') throw typeError('sig', 'a signal number or name', sig);
  const n = (constants.signals as Record<string, number | undefined>)[sig];
  if (n === undefined) throw valueError('sig', sig, 'must be a signal name such as "SIGTERM"');
  return n;
}

class PidFdImpl implements PidFd {
  readonly fd: number;
  readonly pid: number;
  readonly #waiter: Waiter;
  #exited: Promise<void> | undefined;
  #done = false;
  #closed = false;

  constructor(fd: number, pid: number) {
    this.fd = fd;
    this.pid = pid;
    this.#waiter = new Waiter(fd);
  }

  get exited(): Promise<void> {
    if (this.#exited) return this.#exited;
    if (this.#closed) return Promise.reject(new ClosedError('ERR_CLOSED', `pidfd for pid ${this.pid} is closed`));
    let woke = false;
    this.#exited = this.#waiter
      .until(() => {
        if (!woke) {
          woke = true;
          return null; // wait for readability first: readable means exited
        }
        return true;
      })
      .then(() => {
        this.#done = true;
      });
    return this.#exited;
  }

  sendSignal(sig: number | string): void {
    if (this.#closed) throw new ClosedError('ERR_CLOSED', `pidfd for pid ${this.pid} is closed`);
    native().pidfdSendSignal(this.fd, signalNumber(sig));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiter.close();
    closeSync(this.fd);
  }

  [inspect.custom](): string {
    const state = this.#closed ? 'closed' : this.#done ? 'exited' : 'open';
    return `PidFd { pid: ${this.pid}, fd: ${this.fd}, ${state} }`;
  }
}

/** Opens a pidfd for `pid` (ESRCH if no such process). */
export function pidfdOpen(pid: number): PidFd {
  checkInt('pid', pid, 1, 0x7fffffff);
  return new PidFdImpl(native().pidfdOpen(pid), pid);
}
