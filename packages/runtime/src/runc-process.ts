// A runtime invocation that stays in the foreground (`run`, `exec`): the child process,
// its stdio, and the exit status. Completion is keyed on 'exit', never on end-of-stream.
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface RuntimeExit {
  /** The runtime's exit status (the container's status, or 128+n when it was signalled). */
  readonly status: number | null;
  /** Set when the runtime process itself was killed by a signal. */
  readonly signal: NodeJS.Signals | null;
}

export class RuncProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<RuntimeExit>;

  constructor(child: ChildProcess, spawnFailed: Promise<never>) {
    this.child = child;
    const exit = new Promise<RuntimeExit>((resolve) => {
      child.once('exit', (status, signal) => resolve({ status, signal }));
    });
    this.exited = Promise.race([exit, spawnFailed]);
  }

  /** The runtime binary's pid (not the container's). */
  get pid(): number | undefined {
    return this.child.pid;
  }
  get stdin(): Writable | null {
    return this.child.stdin;
  }
  get stdout(): Readable | null {
    return this.child.stdout;
  }
  get stderr(): Readable | null {
    return this.child.stderr;
  }
}
