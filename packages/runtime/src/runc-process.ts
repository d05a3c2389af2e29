// A runtime invocation that stays in the foreground (`run`, `exec`): the child process,
// its stdio, and the exit status. Completion is keyed on 'exit', never on end-of-stream.
import type { ChildProcess } from 'node:child_process';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { inspect } from 'node:util';
import type { RuncError } from './errors.js';
import { decodeExitStatus } from './signals.js';

export interface RuntimeExit {
  /** The runtime's exit status (the container's status, or 128+n when it was signalled). */
  readonly status: number | null;
  /** Set when the runtime process itself was killed by a signal. */
  readonly signal: NodeJS.Signals | null;
}

/** Looks in the runtime's log for its own failure once it has exited non-zero. */
export type FailureCheck = (exit: RuntimeExit) => Promise<RuncError | null>;

export class RuncProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<RuntimeExit>;
  readonly #check: FailureCheck | undefined;
  readonly #stdout: Readable | null;
  readonly #stderr: Readable | null;

  constructor(child: ChildProcess, spawnFailed: Promise<never>, check?: FailureCheck) {
    this.child = child;
    this.#check = check;
    // When a child exits, Node resumes (drains and discards) every stdio pipe nobody is
    // reading yet. A short-lived container often exits before the caller attaches, so
    // its output would be lost: consume the pipes now, into buffers the caller reads.
    this.#stdout = child.stdout ? child.stdout.pipe(new PassThrough()) : null;
    this.#stderr = child.stderr ? child.stderr.pipe(new PassThrough()) : null;
    const exit = new Promise<RuntimeExit>((resolve) => {
      child.once('exit', (status, signal) => resolve({ status, signal }));
    });
    this.exited = Promise.race([exit, spawnFailed]);
  }

  /**
   * The process's exit code and signal (128+n is reported as the signal), or a
   * RuncError when the runtime itself failed (for exec: the process never started).
   */
  async wait(): Promise<{ exitCode: number; signal: string | null }> {
    const e = await this.exited;
    if (e.status !== 0 && this.#check) {
      const err = await this.#check(e);
      if (err) throw err;
    }
    if (e.status === null) return { exitCode: 128, signal: e.signal };
    return decodeExitStatus(e.status);
  }

  /** The runtime binary's pid (not the container's). */
  get pid(): number | undefined {
    return this.child.pid;
  }
  get stdin(): Writable | null {
    return this.child.stdin;
  }
  get stdout(): Readable | null {
    return this.#stdout;
  }
  get stderr(): Readable | null {
    return this.#stderr;
  }

  [inspect.custom](): string {
    const c = this.child;
    const state = c.exitCode !== null ? `exited ${c.exitCode}` : c.signalCode ? `killed by ${c.signalCode}` : 'running';
    return `RuncProcess { pid: ${c.pid}, ${state}, argv: ${c.spawnargs.slice(-2).join(' ')} }`;
  }
}
