// A handle on a container this process did not start (found by reconcile() after a
// crash): its supervisor is gone, and runc keeps no exit status (reference §2.2), so
// only the *fact* of its exit can be recovered: a pidfd on the init tells when.
import { inspect } from 'node:util';
import type { RuntimeError } from './errors.js';
import { removeRecorded } from './internal/recorded-cleanup.js';
import type { Runc } from './runc.js';
import type { ContainerState } from './runc-types.js';

interface PidFdLike {
  readonly exited: Promise<void>;
  close(): void;
}

export class AttachedContainer {
  readonly id: string;
  readonly pid: number;
  readonly bundle: string;
  readonly runtime: Runc;
  /** Resolves when the init exits (its exit code cannot be known). */
  readonly exited: Promise<void>;
  readonly #pidfd: PidFdLike;
  #deleted = false;

  private constructor(runtime: Runc, state: ContainerState, pidfd: PidFdLike) {
    this.id = state.id;
    this.pid = state.pid;
    this.bundle = state.bundle;
    this.runtime = runtime;
    this.#pidfd = pidfd;
    this.exited = pidfd.exited;
    this.exited.catch(() => {});
  }

  /**
   * Attaches to a live container from `runtime.state()`/`list()`. runc reported the pid
   * after checking the init's start time, so the pidfd opened right after refers to it.
   */
  static async attach(runtime: Runc, state: ContainerState): Promise<AttachedContainer> {
    const sys = await import('@ctrkit/sys');
    return new AttachedContainer(runtime, state, sys.pidfdOpen(state.pid));
  }

  async kill(signal: string | number = 'SIGTERM'): Promise<void> {
    try {
      await this.runtime.kill(this.id, signal);
    } catch (err) {
      const code = (err as RuntimeError).code;
      if (code !== 'ERR_CONTAINER_NOT_RUNNING' && code !== 'ERR_CONTAINER_NOT_FOUND') throw err;
    }
  }

  /** Force-deletes the container (killing it if needed) and removes the recorded cgroup leftovers. */
  async delete(): Promise<void> {
    if (this.#deleted) return;
    this.#deleted = true;
    await this.runtime.delete(this.id, { force: true });
    this.#pidfd.close();
    await removeRecorded(this.runtime, this.id);
  }

  [inspect.custom](): string {
    return `AttachedContainer ${this.id} { pid: ${this.pid}, bundle: ${this.bundle}${this.#deleted ? ', deleted' : ''} }`;
  }
}
