// Starts src/supervisor.ts (dist/supervisor.js once built) for a terminal container and
// receives the pty master over the console socket with @ctrkit/sys. From the monorepo's
// sources the supervisor runs through tsx (Node 20 cannot run .ts); built, it is plain JS.
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RuntimeError } from '../errors.js';
import type { Runc } from '../runc.js';
import { runArgs } from '../runc-args.js';

export interface SupervisedStart {
  readonly pid: number;
  readonly master: number;
  readonly setWinsize: (fd: number, cols: number, rows: number) => void;
  /** The init's raw wait(2) status once it exits. */
  readonly exited: Promise<number>;
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

/**
 * Runs `runc run --detach --console-socket` under a subreaper supervisor. Resolves once
 * the container has started and its pty master arrived; rejects with the runtime's own
 * error (and nothing left listening) when the start fails.
 */
export async function startSupervised(
  runtime: Runc,
  id: string,
  bundleDir: string,
  pidFile: string,
): Promise<SupervisedStart> {
  const sys = await import('@ctrkit/sys');
  runtime.ensureRoot();
  const sockDir = await mkdtemp(join(tmpdir(), 'ctk-tty-'));
  const sock = join(sockDir, 's');
  if (Buffer.byteLength(sock) > SUN_PATH_MAX) {
    await rm(sockDir, { recursive: true, force: true });
    throw new RuntimeError(
      'ERR_UNSUPPORTED',
      'failed-precondition',
      `console socket path ${sock} exceeds ${SUN_PATH_MAX} bytes; set TMPDIR to a shorter directory`,
    );
  }
  const listenFd = sys.unixListen(sock, 1);
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
  const argv = runtime.args(id, runArgs(id, { bundle: bundleDir, detach: true, pidFile, consoleSocket: sock }));
  const { args, cwd } = supervisorCommand();
  const child = spawn(
    process.execPath,
    [...args, '--ctrkit-supervise', JSON.stringify({ binary: runtime.binary, argv, pidFile })],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd,
    },
  );
  const events = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const next = async (): Promise<SupervisorEvent> => {
    const r = await events.next();
    if (r.done) return { event: 'error', message: 'the supervisor exited without reporting' };
    return JSON.parse(r.value) as SupervisorEvent;
  };
  try {
    const first = await next();
    if (first.event !== 'started') {
      abort.abort();
      if (first.event === 'failed') throw await runtime.failure('run', id, 0, first.status, first.stderr ?? '');
      throw new RuntimeError(
        'ERR_RUNTIME',
        'internal',
        `terminal supervisor for ${id} failed: ${(first as { message?: string }).message}`,
      );
    }
    const fd = await master;
    const exited = next().then((e) => {
      if (e.event === 'exited') return e.waitStatus;
      throw new RuntimeError(
        'ERR_RUNTIME',
        'internal',
        `terminal supervisor for ${id} lost the container: ${JSON.stringify(e)}`,
      );
    });
    exited.catch(() => {});
    return { pid: first.pid, master: fd, setWinsize: sys.setWinsize, exited };
  } finally {
    closeSync(listenFd);
    await rm(sockDir, { recursive: true, force: true });
  }
}

/** Splits a wait(2) status into an exit code (128+n for signal n) and the signal. */
export function decodeWaitStatus(status: number): { exitCode: number; signal: number | null } {
  const sig = status & 0x7f;
  if (sig === 0) return { exitCode: (status >> 8) & 0xff, signal: null };
  return { exitCode: 128 + sig, signal: sig };
}
