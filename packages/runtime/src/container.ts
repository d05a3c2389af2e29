// The high-level container: one foreground `runc run` per container is its supervisor.
// Why foreground runc rather than a helper process: runc in the foreground is already
// a child subreaper that waits for the init and exits with its status (128+n for a
// signal), so the status is exact without polling `runc state` and without another
// process to start; Node cannot be a subreaper itself. OOM kills come from the memory
// cgroup's oom_kill counter, read before the cgroup is removed (`run --keep`).
// Terminal containers cannot use a foreground runc (it refuses a console socket unless
// detached), so they get a small Node supervisor that is a subreaper (supervisor.ts).
import { rm, writeFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { inspect } from 'node:util';
import { Bundle } from './bundle.js';
import { InvalidSpecError, RuncError, RuntimeError } from './errors.js';
import { type CgroupPlan, planCgroupCleanup, removeCgroupLeftovers } from './internal/cgroup-leftovers.js';
import { waitForPidFile } from './internal/pid-file.js';
import { decodeWaitStatus, startSupervised } from './internal/supervisor-launch.js';
import { oomKillCount } from './oom.js';
import { type ExecOptions, Runc } from './runc.js';
import { checkId } from './runc-args.js';
import type { RuncProcess } from './runc-process.js';
import type { RuncEvent, RuncStats } from './runc-types.js';
import { decodeExitStatus, signalName } from './signals.js';
import type { Process, Resources, Spec } from './spec-types.js';
import { Terminal } from './terminal.js';

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
  /** The pid of the foreground runtime process supervising this container. */
  readonly runtimePid: number | undefined;
  readonly #done: Promise<ExitResult>;
  readonly #ownsBundle: boolean;
  #exit: ExitResult | undefined;
  #deleted = false;

  readonly #terminal: Terminal | undefined;

  private constructor(p: {
    id: string;
    bundle: Bundle;
    runtime: Runc;
    pid: number;
    stdio: { stdin: Writable | null; stdout: Readable | null; stderr: Readable | null };
    runtimePid: number | undefined;
    done: Promise<ExitResult>;
    ownsBundle: boolean;
    terminal?: Terminal;
  }) {
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
    let bundle: Bundle;
    let ownsBundle = false;
    if (opts.bundle instanceof Bundle) bundle = opts.bundle;
    else if (opts.spec) {
      bundle = await Bundle.create(opts.bundle, opts.spec);
      ownsBundle = true;
    } else bundle = await Bundle.open(opts.bundle);
    const cgroupsPath = bundle.spec.linux?.cgroupsPath ?? '';
    const plan = runtime.systemdCgroup ? [] : planCgroupCleanup(cgroupsPath);
    // Only a memory limit can OOM-kill inside the cgroup; only then keep the state to read the
    // counter. crun 1.8 has no `run --keep`: with crun, oomKilled stays false (see README).
    const keep = (bundle.spec.linux?.resources?.memory?.limit ?? -1) > 0 && runtime.supportsKeep;
    const pidFile = `${runtime.root}/${id}.pid`;
    const planFile = `${runtime.root}/${id}.cgroups.json`;
    await rm(pidFile, { force: true });
    await rm(runtime.logPath(id), { force: true });
    const stdio = opts.stdio ?? 'pipe';
    if (typeof stdio === 'object') {
      return Container.#runTerminal({ id, bundle, runtime, ownsBundle, plan, keep: true, pidFile, cgroupsPath });
    }
    const proc = runtime.run(id, { bundle: bundle.dir, pidFile, keep, stdio: [stdio, stdio, stdio] });
    const pidWait = waitForPidFile(pidFile);
    // Persisted so reconcile() can remove the parents after a crash of this process.
    const planWritten = writeFile(planFile, JSON.stringify(plan)).catch(() => {});
    const exited = proc.exited.then(
      (e) => {
        pidWait.check();
        pidWait.cancel();
        return e;
      },
      (err: unknown) => {
        pidWait.cancel();
        throw err;
      },
    );
    const pid = await pidWait.pid;
    await planWritten;
    if (pid === null) {
      const failure = await exited.then(
        async (e) => runtime.failure('run', id, 0, e.status, ''),
        (err: unknown) => err,
      );
      await cleanup(runtime, id, plan, true);
      if (ownsBundle) await bundle.delete();
      throw failure;
    }
    const done = exited.then(async (e): Promise<ExitResult> => {
      try {
        if (e.status === null) {
          // runc itself was killed: its container is orphaned (reference §2.6); remove it.
          throw new RuncError('ERR_RUNTIME', `${runtime.binary} run`, `the runtime was killed by ${e.signal}`, null);
        }
        if (e.status !== 0) {
          const err = await runtime.lastError(id);
          if (err !== null) throw new RuncError('ERR_RUNTIME', `${runtime.binary} run`, err, e.status);
        }
        const oom = keep ? ((await oomKillCount(cgroupsPath)) ?? 0) > 0 : false;
        return { ...decodeExitStatus(e.status), oomKilled: oom };
      } finally {
        await cleanup(runtime, id, plan, keep || e.status === null);
      }
    });
    return new Container({
      id,
      bundle,
      runtime,
      pid,
      stdio: { stdin: proc.stdin, stdout: proc.stdout, stderr: proc.stderr },
      runtimePid: proc.pid,
      done,
      ownsBundle,
    });
  }

  // Terminal containers: a detached runc under a subreaper supervisor (supervisor.ts),
  // because runc only hands out the pty master when it detaches.
  static async #runTerminal(p: {
    id: string;
    bundle: Bundle;
    runtime: Runc;
    ownsBundle: boolean;
    plan: CgroupPlan;
    keep: boolean;
    pidFile: string;
    cgroupsPath: string;
  }): Promise<Container> {
    const { id, bundle, runtime, plan, cgroupsPath } = p;
    if (!bundle.spec.process?.terminal) {
      throw new InvalidSpecError(
        'process.terminal',
        'stdio { terminal: true } needs a spec with process.terminal: true (specFromImage(image, { terminal: true, ... }))',
      );
    }
    let started: Awaited<ReturnType<typeof startSupervised>>;
    try {
      started = await startSupervised(runtime, id, bundle.dir, p.pidFile);
    } catch (err) {
      await cleanup(runtime, id, plan, true);
      if (p.ownsBundle) await bundle.delete();
      throw err;
    }
    const terminal = new Terminal(started.master, started.setWinsize);
    const done = started.exited.then(
      async (ws): Promise<ExitResult> => {
        try {
          await terminal.drainAndClose();
          const { exitCode, signal } = decodeWaitStatus(ws);
          const oom = ((await oomKillCount(cgroupsPath)) ?? 0) > 0;
          return { exitCode, signal: signal === null ? null : signalName(signal), oomKilled: oom };
        } finally {
          await cleanup(runtime, id, plan, true);
        }
      },
      async (err: unknown) => {
        terminal.close();
        await cleanup(runtime, id, plan, true);
        throw err;
      },
    );
    return new Container({
      id,
      bundle,
      runtime,
      pid: started.pid,
      stdio: { stdin: terminal.input, stdout: terminal.output, stderr: null },
      runtimePid: undefined,
      done,
      ownsBundle: p.ownsBundle,
      terminal,
    });
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

/** Removes everything a container left: runtime state (when kept), cgroup leftovers, our files. */
async function cleanup(runtime: Runc, id: string, plan: CgroupPlan, deleteState: boolean): Promise<void> {
  if (deleteState) {
    await runtime.delete(id, { force: true }).catch((err: unknown) => {
      if ((err as RuntimeError).code !== 'ERR_CONTAINER_NOT_FOUND') throw err;
    });
  }
  await removeCgroupLeftovers(plan);
  await Promise.all(
    [`${id}.pid`, `${id}.log.json`, `${id}.cgroups.json`].map((f) => rm(`${runtime.root}/${f}`, { force: true })),
  );
}
