// The high-level container: one foreground `runc run` per container is its supervisor.
// Why foreground runc rather than a helper process: runc in the foreground is already
// a child subreaper that waits for the init and exits with its status (128+n for a
// signal), so the status is exact without polling `runc state` and without another
// process to start; Node cannot be a subreaper itself. OOM kills come from the memory
// cgroup's oom_kill counter, read before the cgroup is removed (`run --keep`).
// Terminal containers cannot use a foreground runc (it refuses a console socket unless
// detached), so they get a small Node supervisor that is a subreaper (supervisor.ts).
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { inspect } from 'node:util';
import { Bundle } from './bundle.js';
import { InvalidSpecError, RuncError, RuntimeError } from './errors.js';
import { planCgroupCleanup } from './internal/cgroup-leftovers.js';
import { type Launched, launchForeground, launchSupervised } from './internal/launch.js';
import { type ExecOptions, Runc } from './runc.js';
import { checkId } from './runc-args.js';
import type { RuncProcess } from './runc-process.js';
import type { RuncEvent, RuncStats } from './runc-types.js';
import type { Process, Resources, Spec } from './spec-types.js';
import type { Terminal } from './terminal.js';

/** Pipes, the caller's stdio, /dev/null, or a pty (the spec must have `process.terminal: true`). */
export type ContainerStdio = 'pipe' | 'inherit' | 'ignore' | { readonly terminal: true };

export interface ContainerRunOptions {
  readonly id: string;
  /** A Bundle, or a bundle directory (opened, or created from `spec`). */
  readonly bundle: Bundle | string;
  /** Writes this spec into `bundle` first; the bundle is then ours and delete() removes it. */
  readonly spec?: Spec;
  /** @default new Runc() */
  readonly runtime?: Runc;
  /** @default 'pipe' */
  readonly stdio?: ContainerStdio;
  /**
   * Who waits for the init. 'runc' (default): a foreground `runc run`, no extra process;
   * a container's own exit(129..192) then reads as a signal. 'subreaper': a small Node
   * supervisor process gets the exact wait status (terminals always use it).
   */
  readonly supervisor?: 'runc' | 'subreaper';
}

export interface ExitResult {
  /** The exit status as a shell reports it (128+n when killed by signal n). */
  readonly exitCode: number;
  /** The killing signal ("SIGKILL"), or null for a normal exit. */
  readonly signal: string | null;
  /** The container's memory cgroup recorded an OOM kill. */
  readonly oomKilled: boolean;
}

export class Container {
  readonly id: string;
  readonly bundle: Bundle;
  readonly runtime: Runc;
  /** The container init's host pid. */
  readonly pid: number;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** The pid of the process supervising this container (the foreground runc, or the subreaper supervisor). */
  readonly runtimePid: number | undefined;
  readonly #done: Promise<ExitResult>;
  readonly #ownsBundle: boolean;
  #exit: ExitResult | undefined;
  #deleted = false;

  readonly #terminal: Terminal | undefined;

  private constructor(p: Launched & { id: string; bundle: Bundle; runtime: Runc; ownsBundle: boolean }) {
    this.id = p.id;
    this.bundle = p.bundle;
    this.runtime = p.runtime;
    this.pid = p.pid;
    this.stdin = p.stdio.stdin;
    this.stdout = p.stdio.stdout;
    this.stderr = p.stdio.stderr;
    this.runtimePid = p.runtimePid;
    this.#terminal = p.terminal;
    this.#ownsBundle = p.ownsBundle;
    this.#done = p.done.then((r) => {
      this.#exit = r;
      return r;
    });
    this.#done.catch(() => {});
  }

  /**
   * Starts the container and resolves once its init is running (started always comes
   * before exited). A failed start removes the container, its cgroups and, when `spec`
   * made it, the bundle, then throws the runtime's error as ERR_RUNTIME.
   */
  static async run(opts: ContainerRunOptions): Promise<Container> {
    const id = checkId(opts.id);
    const runtime = opts.runtime ?? new Runc();
    const stdio = opts.stdio ?? 'pipe';
    const terminal = typeof stdio === 'object';
    let bundle: Bundle;
    let ownsBundle = false;
    if (opts.bundle instanceof Bundle) bundle = opts.bundle;
    else if (opts.spec) {
      checkTerminal(opts.spec, terminal);
      bundle = await Bundle.create(opts.bundle, opts.spec);
      ownsBundle = true;
    } else bundle = await Bundle.open(opts.bundle);
    checkTerminal(bundle.spec, terminal);
    // An id in use must fail before anything is touched: the clean-up of a failed start
    // force-deletes by id, which would kill the container that already has it.
    if (existsSync(`${runtime.root}/${id}`)) {
      if (ownsBundle) await bundle.delete();
      throw new RuncError('ERR_CONTAINER_EXISTS', `${runtime.binary} run`, `container with id exists: ${id}`, null);
    }
    const cgroupsPath = bundle.spec.linux?.cgroupsPath ?? '';
    const ctx = {
      id,
      bundle,
      runtime,
      cgroupsPath,
      plan: runtime.systemdCgroup ? [] : planCgroupCleanup(cgroupsPath),
      // Only a memory limit can OOM-kill inside the cgroup; only then keep the state to read
      // the counter. crun 1.8 has no `run --keep`: with crun, oomKilled stays false (README).
      keep: (bundle.spec.linux?.resources?.memory?.limit ?? -1) > 0 && runtime.supportsKeep,
    };
    try {
      const launched =
        typeof stdio === 'object'
          ? await launchSupervised(ctx, 'terminal')
          : opts.supervisor === 'subreaper'
            ? await launchSupervised(ctx, stdio)
            : await launchForeground(ctx, stdio);
      return new Container({ id, bundle, runtime, ownsBundle, ...launched });
    } catch (err) {
      if (ownsBundle) await bundle.delete();
      throw err;
    }
  }

  /** Sets the terminal's size (TIOCSWINSZ on the pty master); the process gets SIGWINCH. */
  resize(cols: number, rows: number): void {
    if (!this.#terminal) {
      throw new RuntimeError(
        'ERR_INVALID_ARGUMENT',
        'failed-precondition',
        `container ${this.id} has no terminal; run it with stdio: { terminal: true }`,
      );
    }
    this.#terminal.resize(cols, rows);
  }

  /** The exit status, once the container is gone and its runtime state and cgroups are removed. */
  wait(): Promise<ExitResult> {
    return this.#done;
  }

  /** The exit status if the container has exited, else undefined. */
  get exitResult(): ExitResult | undefined {
    return this.#exit;
  }

  /** Sends a signal to the init. A container that has already exited is left alone. */
  async kill(signal: string | number = 'SIGTERM', opts: { all?: boolean } = {}): Promise<void> {
    if (this.#exit) return;
    try {
      await this.runtime.kill(this.id, signal, opts);
    } catch (err) {
      // The init exited between our check and runc's: that is the outcome kill asked for.
      const code = (err as RuntimeError).code;
      if (code === 'ERR_CONTAINER_NOT_RUNNING' || code === 'ERR_CONTAINER_NOT_FOUND') return;
      throw err;
    }
  }

  /** SIGTERM, then SIGKILL if it is still running after `timeoutMs` (a PID 1 ignores TERM without a handler). */
  async stop(opts: { timeoutMs?: number; signal?: string } = {}): Promise<ExitResult> {
    await this.kill(opts.signal ?? 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((res) => {
      timer = setTimeout(() => res('timeout'), opts.timeoutMs ?? 10_000);
    });
    try {
      const first = await Promise.race([this.#done, timedOut]);
      if (first !== 'timeout') return first;
    } finally {
      clearTimeout(timer);
    }
    await this.kill('SIGKILL');
    return this.#done;
  }

  /** Kills the container if it still runs, waits for clean-up, and removes a bundle we created. */
  async delete(): Promise<void> {
    if (this.#deleted) return;
    if (!this.#exit) await this.kill('SIGKILL');
    await this.#done.catch(() => {});
    this.#deleted = true;
    this.#terminal?.close();
    if (this.#ownsBundle) await this.bundle.delete();
  }

  /**
   * Runs a process inside the running container (foreground `runc exec`). Fields not
   * given (env, cwd, user, capabilities...) are taken from the container's own process.
   * `wait()` on the result gives its exit status, or ERR_RUNTIME if it could not start.
   */
  exec(proc: Partial<Process> & { args: string[] }, opts: ExecOptions = {}): Promise<RuncProcess> {
    const base = this.bundle.spec.process;
    const full: Process = {
      ...base,
      terminal: false,
      user: base?.user ?? { uid: 0, gid: 0 },
      cwd: base?.cwd ?? '/',
      ...proc,
    };
    return this.runtime.exec(this.id, full, opts);
  }

  pause(): Promise<void> {
    return this.runtime.pause(this.id);
  }
  resume(): Promise<void> {
    return this.runtime.resume(this.id);
  }
  update(resources: Resources): Promise<void> {
    return this.runtime.update(this.id, resources);
  }
  stats(): Promise<RuncStats> {
    return this.runtime.stats(this.id);
  }
  events(opts: { intervalMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<RuncEvent> {
    return this.runtime.events(this.id, opts);
  }
  ps(): Promise<number[]> {
    return this.runtime.ps(this.id);
  }

  [inspect.custom](): string {
    const state = this.#exit
      ? `exited ${this.#exit.signal ?? this.#exit.exitCode}${this.#exit.oomKilled ? ' (oom)' : ''}`
      : 'running';
    return `Container ${this.id} { pid: ${this.pid}, ${state}, bundle: ${this.bundle.dir} }`;
  }
}

function checkTerminal(spec: Spec, terminal: boolean): void {
  if (terminal && !spec.process?.terminal) {
    throw new InvalidSpecError(
      'process.terminal',
      'stdio { terminal: true } needs a spec with process.terminal: true (specFromImage(image, { terminal: true, ... }))',
    );
  }
}
