// Drives an OCI runtime binary (runc by default; crun speaks the same CLI) the way
// containerd's go-runc does: every call gets `--root`, and a per-container JSON log
// whose last error becomes a typed RuncError, never confused with a container's exit.
import { type StdioOptions, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rm, stat, writeFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { inspect } from 'node:util';
import { RuncError, RuntimeError } from './errors.js';
import { runCollect, runUntilExit, spawnError } from './internal/spawn.js';
import {
  type CreateArgOptions,
  checkId,
  createArgs,
  deleteArgs,
  execArgs,
  globalArgs,
  killArgs,
  type RunArgOptions,
  runArgs,
} from './runc-args.js';
import { emulatedEvents, runtimeEvents } from './runc-events.js';
import { classifyRuncMessage, lastRuncError, parseRuncLog, stderrMessage } from './runc-log.js';
import { RuncProcess } from './runc-process.js';
import type { ContainerState, RuncEvent, RuncStats, RuntimeFeatures, RuntimeVersion } from './runc-types.js';
import type { Process, Resources } from './spec-types.js';

export interface RuncOptions {
  /** 'runc', 'crun', or a path to an OCI runtime binary. @default 'runc' */
  readonly binary?: string;
  /** The runtime's state directory (`--root`). @default /run/<binary name> */
  readonly root?: string;
  /** runc's log format for the per-container log. @default 'json' */
  readonly logFormat?: 'json' | 'text';
  /** Use the systemd cgroup driver (cgroupsPath is then "slice:prefix:name"). @default false */
  readonly systemdCgroup?: boolean;
  readonly debug?: boolean;
}

/** Stdio for commands whose children may become the container (create, run, exec). */
export type RuntimeStdio = StdioOptions;

export interface CreateOptions extends CreateArgOptions {
  /** Stdio for the container's init (and runc itself). @default 'ignore' */
  readonly stdio?: RuntimeStdio;
}

export interface RunOptions extends RunArgOptions {
  /** @default ['pipe', 'pipe', 'pipe'] */
  readonly stdio?: RuntimeStdio;
}

export interface ExecOptions {
  readonly detach?: boolean;
  readonly pidFile?: string;
  readonly consoleSocket?: string;
  readonly ignorePaused?: boolean;
  /** @default ['pipe', 'pipe', 'pipe'] in the foreground, 'ignore' when detached */
  readonly stdio?: RuntimeStdio;
}

export interface EventsOptions {
  /** One stats sample, then end. */
  readonly stats?: boolean;
  /** Interval between stats samples. @default 5000 */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
  /** Read stats from the cgroup (@ctrkit/cgroups) even when the runtime has `events`. */
  readonly emulate?: boolean;
}

export class Runc {
  readonly binary: string;
  readonly root: string;
  readonly logFormat: 'json' | 'text';
  readonly systemdCgroup: boolean;
  readonly debug: boolean;

  constructor(opts: RuncOptions = {}) {
    this.binary = opts.binary ?? 'runc';
    const name = this.binary.split('/').pop() || 'runc';
    this.root = resolvePath(opts.root ?? `/run/${name}`);
    this.logFormat = opts.logFormat ?? 'json';
    this.systemdCgroup = opts.systemdCgroup ?? false;
    this.debug = opts.debug ?? false;
  }

  /** Whether `run --keep` exists (runc >= 1.0; crun 1.8 has none). */
  get supportsKeep(): boolean {
    return !(this.binary.split('/').pop() ?? '').startsWith('crun');
  }

  /** The per-container log runc writes (`<root>/<id>.log.json`; runc and crun skip plain files in root). */
  logPath(id: string): string {
    return `${this.root}/${checkId(id)}.log.json`;
  }

  /** The full argv (after the binary) for a command, with global flags. */
  args(id: string | null, command: readonly string[]): string[] {
    return [
      ...globalArgs({
        root: this.root,
        ...(id !== null ? { log: this.logPath(id), logFormat: this.logFormat } : {}),
        systemdCgroup: this.systemdCgroup,
        debug: this.debug,
      }),
      ...command,
    ];
  }

  /** Creates the state directory (mode 0700) if needed; every command does this first. */
  ensureRoot(): void {
    if (process.platform !== 'linux') {
      throw new RuntimeError(
        'ERR_UNSUPPORTED',
        'not-implemented',
        `OCI runtimes run containers on Linux only (this is ${process.platform})`,
      );
    }
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  /** The current size of `id`'s log: errors after this offset belong to the next call. */
  async logOffset(id: string): Promise<number> {
    try {
      return (await stat(this.logPath(id))).size;
    } catch {
      return 0;
    }
  }

  /** The last error runc logged for `id` since `offset`, or null. */
  async lastError(id: string, offset = 0): Promise<string | null> {
    let fh: Awaited<ReturnType<typeof open>> | undefined;
    try {
      fh = await open(this.logPath(id), 'r');
      const size = (await fh.stat()).size;
      if (size <= offset) return null;
      const buf = Buffer.alloc(size - offset);
      await fh.read(buf, 0, buf.length, offset);
      return lastRuncError(parseRuncLog(buf.toString('utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    } finally {
      await fh?.close();
    }
  }

  /** Builds the typed error for a failed command from the log, falling back to stderr. */
  async failure(
    command: string,
    id: string | null,
    offset: number,
    status: number | null,
    stderr: string,
  ): Promise<RuncError> {
    const logged = id !== null && this.logFormat === 'json' ? await this.lastError(id, offset) : null;
    const msg = logged ?? (stderrMessage(stderr) || `${this.binary} ${command} exited ${status}`);
    return new RuncError(classifyRuncMessage(msg), `${this.binary} ${command}`, msg, status);
  }

  private async call(id: string | null, command: string[], input?: string): Promise<string> {
    this.ensureRoot();
    const offset = id !== null ? await this.logOffset(id) : 0;
    const r = await runCollect(this.binary, this.args(id, command), input);
    if (r.status !== 0) throw await this.failure(command[0] ?? '', id, offset, r.status, r.stderr);
    return r.stdout;
  }

  private async callDetached(id: string, command: string[], stdio: RuntimeStdio): Promise<void> {
    this.ensureRoot();
    const offset = await this.logOffset(id);
    const r = await runUntilExit(this.binary, this.args(id, command), stdio);
    if (r.status !== 0) throw await this.failure(command[0] ?? '', id, offset, r.status, '');
  }

  private foreground(id: string, command: string[], stdio: RuntimeStdio, offset: number): RuncProcess {
    this.ensureRoot();
    const child = spawn(this.binary, this.args(id, command), { stdio });
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (e) => reject(spawnError(this.binary, e)));
    });
    failed.catch(() => {});
    const check = async (e: { status: number | null }) => {
      const msg = await this.lastError(id, offset);
      return msg === null
        ? null
        : new RuncError(classifyRuncMessage(msg), `${this.binary} ${command[0]}`, msg, e.status);
    };
    return new RuncProcess(child, failed, check);
  }

  /** `run`: create, start and (unless detached) supervise in the foreground; exits with the container's status. */
  run(id: string, opts: RunOptions): RuncProcess {
    // A run starts a fresh container: its log starts with this call (stale logs are the caller's to remove).
    return this.foreground(id, runArgs(id, opts), opts.stdio ?? (opts.detach ? 'ignore' : ['pipe', 'pipe', 'pipe']), 0);
  }

  /**
   * `create`: the init waits on exec.fifo until start(). Resolves on runc's exit, never on
   * EOF (runc#1721). A failed create is force-deleted, so no half-made container remains
   * (unless the failure is that the id is taken: that container is not ours to remove).
   */
  async create(id: string, opts: CreateOptions): Promise<void> {
    try {
      await this.callDetached(id, createArgs(id, opts), opts.stdio ?? 'ignore');
    } catch (err) {
      if (
        (err as RuntimeError).code !== 'ERR_CONTAINER_EXISTS' &&
        (err as RuntimeError).code !== 'ERR_RUNTIME_NOT_FOUND'
      ) {
        // The create's own error is the one to report; a failing clean-up must not mask it.
        await this.delete(id, { force: true }).catch(() => {});
      }
      throw err;
    }
  }

  async start(id: string): Promise<void> {
    await this.call(id, ['start', checkId(id)]);
  }

  async state(id: string): Promise<ContainerState> {
    return JSON.parse(await this.call(id, ['state', checkId(id)])) as ContainerState;
  }

  async list(): Promise<ContainerState[]> {
    const out = await this.call(null, ['list', '--format', 'json']);
    const parsed = JSON.parse(out.trim() || '[]') as ContainerState[] | null;
    return parsed ?? [];
  }

  /** Signals the init (`all`: every process in the container's cgroup, on runc <= 1.1 and crun). */
  async kill(id: string, signal: string | number = 'SIGTERM', opts: { all?: boolean } = {}): Promise<void> {
    await this.call(id, killArgs(id, signal, opts.all));
  }

  /** Deletes the container; `force` kills it first and succeeds when it does not exist. */
  async delete(id: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.call(id, deleteArgs(id, opts.force));
  }

  /** Runs `proc` inside container `id`; the RuncProcess exits with the process's status (255: exec failed). */
  async exec(id: string, proc: Process, opts: ExecOptions = {}): Promise<RuncProcess> {
    this.ensureRoot();
    const processFile = `${this.root}/${checkId(id)}.exec-${randomBytes(6).toString('hex')}.json`;
    const [offset] = await Promise.all([
      this.logOffset(id),
      writeFile(processFile, JSON.stringify(proc), { mode: 0o600 }),
    ]);
    const p = this.foreground(
      id,
      execArgs(id, { processFile, ...opts }),
      opts.stdio ?? (opts.detach ? 'ignore' : ['pipe', 'pipe', 'pipe']),
      offset,
    );
    // runc reads process.json before it starts the process; remove it once runc is done with it.
    p.exited.finally(() => rm(processFile, { force: true })).catch(() => {});
    return p;
  }

  /** Host pids of the container's processes. */
  async ps(id: string): Promise<number[]> {
    return JSON.parse(await this.call(id, ['ps', '--format', 'json', checkId(id)])) as number[];
  }

  async pause(id: string): Promise<void> {
    await this.call(id, ['pause', checkId(id)]);
  }

  async resume(id: string): Promise<void> {
    await this.call(id, ['resume', checkId(id)]);
  }

  /** Applies new resource limits (`update --resources -` with runtime-spec LinuxResources JSON). */
  async update(id: string, resources: Resources): Promise<void> {
    await this.call(id, ['update', '--resources', '-', checkId(id)], JSON.stringify(resources));
  }

  /**
   * Stats (and runc's OOM notices) as runc's `events` prints them; ends when the container
   * stops. crun has no `events` (crun#1273): for it, or with `emulate`, the samples are read
   * from the container's cgroup with @ctrkit/cgroups instead.
   */
  events(id: string, opts: EventsOptions = {}): AsyncGenerator<RuncEvent> {
    if (opts.emulate || !this.hasEvents) return emulatedEvents(this, id, opts);
    return runtimeEvents(this, id, opts);
  }

  /** Whether the binary has an `events` command (crun 1.8 has none). */
  get hasEvents(): boolean {
    return !(this.binary.split('/').pop() ?? '').startsWith('crun');
  }

  /** One stats sample (`events --stats`). */
  async stats(id: string): Promise<RuncStats> {
    for await (const e of this.events(id, { stats: true })) {
      if (e.type === 'stats' && e.data) return e.data;
    }
    throw new RuntimeError('ERR_RUNTIME', 'internal', `${this.binary} events --stats ${id} printed no stats`);
  }

  /** `--version`, parsed. */
  async version(): Promise<RuntimeVersion> {
    const r = await runCollect(this.binary, ['--version']);
    if (r.status !== 0) throw await this.failure('--version', null, 0, r.status, r.stderr);
    return parseVersion(r.stdout);
  }

  /** `features` JSON, or null when the runtime has no such command (crun < 1.8.6, runc < 1.1). */
  async features(): Promise<RuntimeFeatures | null> {
    const r = await runCollect(this.binary, ['features']);
    if (r.status !== 0) {
      if (/unknown command|no help topic|not a valid command/i.test(r.stderr + r.stdout)) return null;
      throw await this.failure('features', null, 0, r.status, r.stderr);
    }
    return JSON.parse(r.stdout) as RuntimeFeatures;
  }

  [inspect.custom](): string {
    return `Runc { binary: ${this.binary}, root: ${this.root}${this.systemdCgroup ? ', systemd' : ''} }`;
  }
}

/** Parses `runc --version` / `crun --version` output. */
export function parseVersion(text: string): RuntimeVersion {
  const first = text.match(/^(\S+) version (\S+)/m);
  if (!first)
    throw new RuntimeError(
      'ERR_RUNTIME',
      'internal',
      `cannot parse runtime version from ${JSON.stringify(text.slice(0, 200))}`,
    );
  const commit = text.match(/^commit: (\S+)/m)?.[1];
  const spec = text.match(/^spec: (\S+)/m)?.[1];
  return {
    runtime: first[1] as string,
    version: first[2] as string,
    ...(commit ? { commit } : {}),
    ...(spec ? { spec } : {}),
  };
}
