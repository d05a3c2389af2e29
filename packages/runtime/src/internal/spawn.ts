// Spawning the runtime binary. Two shapes, because of runc#1721: a command whose output
// we read (state, list, ps...) resolves on 'close'; a command that may hand its stdio
// to a container (create, run -d, exec -d) resolves on 'exit' and never waits for EOF.
import { type SpawnOptions, spawn } from 'node:child_process';
import { RuntimeError } from '../errors.js';

export interface Completed {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function spawnError(binary: string, err: NodeJS.ErrnoException): RuntimeError {
  if (err.code === 'ENOENT') {
    return new RuntimeError(
      'ERR_RUNTIME_NOT_FOUND',
      'not-found',
      `OCI runtime binary ${JSON.stringify(binary)} was not found; install runc (apt-get install runc) or pass { binary: '/path/to/runc' }`,
      { cause: err },
    );
  }
  return new RuntimeError('ERR_RUNTIME', 'internal', `cannot start ${binary}: ${err.message}`, { cause: err });
}

/** Runs to completion, collecting stdout and stderr; `input` is written to stdin. */
export function runCollect(
  binary: string,
  args: readonly string[],
  input?: string | Buffer,
  env?: NodeJS.ProcessEnv,
): Promise<Completed> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(spawnError(binary, e)));
    child.on('close', (status, signal) =>
      resolve({
        status,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs with the given stdio and resolves on 'exit' (never on end-of-stream). */
export function runUntilExit(
  binary: string,
  args: readonly string[],
  stdio: SpawnOptions['stdio'],
): Promise<Completed> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio });
    child.on('error', (e) => reject(spawnError(binary, e)));
    child.on('exit', (status, signal) => resolve({ status, signal, stdout: '', stderr: '' }));
  });
}

export { spawnError };
