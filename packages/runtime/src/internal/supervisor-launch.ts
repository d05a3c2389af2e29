// Starts src/supervisor.ts (dist/supervisor.js once built) for one container and reads
// its events from fd 3. With a terminal, the pty master arrives over the console socket
// (@ctrkit/sys unixListen/unixAccept/recvFd); without one, the supervisor's own stdio
// (pipes to us) is handed down to the container. From the monorepo's sources the
// supervisor runs through tsx (Node 20 cannot run .ts); built, it is plain JS.
import { type StdioOptions, spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { RuntimeError } from '../errors.js';
import type { Runc } from '../runc.js';
import { runArgs } from '../runc-args.js';

export interface SupervisedStart {
  readonly pid: number;
  /** The supervisor's own pid. */
  readonly supervisorPid: number | undefined;
  /** The pty master (terminal mode). */
  readonly master: number | null;
  readonly setWinsize: (fd: number, cols: number, rows: number) => void;
  /** The container's stdio (pipe mode). */
  readonly stdio: { stdin: Writable | null; stdout: Readable | null; stderr: Readable | null };
  /** The init's raw wait(2) status once it exits. */
  readonly exited: Promise<number>;
  /** The supervisor process has exited and been reaped (it reports the init's exit just before). */
  readonly supervisorGone: Promise<void>;
}

export interface SuperviseOptions {
  readonly terminal: boolean;
  /** The container's stdio when there is no terminal. */
  readonly stdio: 'pipe' | 'inherit' | 'ignore';
}

type SupervisorEvent =
  | { event: 'started'; pid: number }
  | { event: 'exited'; waitStatus: number }
  | { event: 'failed'; status: number | null; stderr?: string }
  | { event: 'error'; message: string };

function supervisorCommand(): { args: string[]; cwd: string } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const src = dirname(dirname(here));
    return { args: ['--conditions=@ctrkit/source', '--import', 'tsx', join(src, 'supervisor.ts')], cwd: dirname(src) };
  }
  return { args: [join(dirname(here), 'supervisor.js')], cwd: dirname(here) };
}

/** sun_path holds 108 bytes with the NUL; runc needs a filesystem path (not abstract). */
const SUN_PATH_MAX = 107;

interface ConsoleSocket {
  readonly path: string;
  readonly master: Promise<number>;
  close(): Promise<void>;
}

async function consoleSocket(sys: typeof import('@ctrkit/sys')): Promise<ConsoleSocket> {
  const dir = await mkdtemp(join(tmpdir(), 'ctk-tty-'));
  const path = join(dir, 's');
  if (Buffer.byteLength(path) > SUN_PATH_MAX) {
    await rm(dir, { recursive: true, force: true });
    throw new RuntimeError(
      'ERR_UNSUPPORTED',
      'failed-precondition',
      `console socket path ${path} exceeds ${SUN_PATH_MAX} bytes; set TMPDIR to a shorter directory`,
    );
  }
  let listenFd: number;
  try {
    listenFd = sys.unixListen(path, 1);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const abort = new AbortController();
  const master = (async () => {
    const conn = await sys.unixAccept(listenFd, { signal: abort.signal });
    try {
      return await sys.recvFd(conn, { signal: abort.signal });
    } finally {
      closeSync(conn);
    }
  })();
  master.catch(() => {});
  return {
    path,
    master,
    async close() {
      abort.abort();
      closeSync(listenFd);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `runc run --detach` under a subreaper supervisor. Resolves once the container
 * has started (and, with a terminal, its pty master arrived); rejects with the runtime's
 * own error, with nothing left listening, when the start fails.
 */
export async function startSupervised(
  runtime: Runc,
  id: string,
  bundleDir: string,
  pidFile: string,
  opts: SuperviseOptions,
): Promise<SupervisedStart> {
  const sys = await import('@ctrkit/sys');
  runtime.ensureRoot();
  const cs = opts.terminal ? await consoleSocket(sys) : null;
  try {
    const argv = runtime.args(
      id,
      runArgs(id, { bundle: bundleDir, detach: true, pidFile, ...(cs ? { consoleSocket: cs.path } : {}) }),
    );
    const { args, cwd } = supervisorCommand();
    const config = JSON.stringify({ binary: runtime.binary, argv, pidFile, terminal: opts.terminal });
    const io = opts.terminal ? 'ignore' : opts.stdio;
    const stdio: StdioOptions = [io, io, opts.terminal ? 'inherit' : io, 'pipe'];
    const child = spawn(process.execPath, [...args, '--ctrkit-supervise', config], { stdio, cwd });
    // Node reaps a child before it emits 'exit': after this, no zombie of it remains.
    const supervisorGone = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    // Consumed from the spawn on, as RuncProcess does: when a child exits, Node drains and
    // discards its pipes nobody reads yet, and a short container may exit before we return.
    const containerStdio = {
      stdin: child.stdin,
      stdout: child.stdout ? child.stdout.pipe(new PassThrough()) : null,
      stderr: child.stderr ? child.stderr.pipe(new PassThrough()) : null,
    };
    const events = createInterface({ input: child.stdio[3] as Readable })[Symbol.asyncIterator]();
    const next = async (): Promise<SupervisorEvent> => {
      const r = await events.next();
      if (r.done) return { event: 'error', message: 'the supervisor exited without reporting' };
      return JSON.parse(r.value) as SupervisorEvent;
    };
    const first = await next();
    if (first.event !== 'started') {
      if (first.event === 'failed') throw await runtime.failure('run', id, 0, first.status, first.stderr ?? '');
      throw new RuntimeError(
        'ERR_RUNTIME',
        'internal',
        `supervisor for ${id} failed: ${(first as { message?: string }).message}`,
      );
    }
    const master = cs ? await cs.master : null;
    const exited = next().then((e) => {
      if (e.event === 'exited') return e.waitStatus;
      throw new RuntimeError(
        'ERR_RUNTIME',
        'internal',
        `supervisor for ${id} lost the container: ${JSON.stringify(e)}`,
      );
    });
    exited.catch(() => {});
    return {
      pid: first.pid,
      supervisorPid: child.pid,
      master,
      setWinsize: sys.setWinsize,
      stdio: containerStdio,
      exited,
      supervisorGone,
    };
  } finally {
    await cs?.close();
  }
}
