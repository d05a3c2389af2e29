// Argument construction for each runtime command, kept pure so tests can assert the
// exact argv (as go-runc's args() helpers are tested). Global flags come first.
import { RuntimeError } from './errors.js';
import { signalNumber } from './signals.js';

export interface GlobalArgOptions {
  readonly root?: string;
  /** Per-container log file for `--log` (paired with `--log-format json`). */
  readonly log?: string;
  readonly logFormat?: 'json' | 'text';
  readonly systemdCgroup?: boolean;
  readonly debug?: boolean;
}

export function globalArgs(o: GlobalArgOptions): string[] {
  const a: string[] = [];
  if (o.debug) a.push('--debug');
  if (o.root) a.push('--root', o.root);
  if (o.log) a.push('--log', o.log);
  if (o.log && o.logFormat) a.push('--log-format', o.logFormat);
  if (o.systemdCgroup) a.push('--systemd-cgroup');
  return a;
}

export interface CreateArgOptions {
  readonly bundle: string;
  readonly pidFile?: string;
  readonly consoleSocket?: string;
  readonly noPivot?: boolean;
  readonly noNewKeyring?: boolean;
  readonly preserveFds?: number;
}

export interface RunArgOptions extends CreateArgOptions {
  readonly detach?: boolean;
  /** Keep the stopped container's state (and cgroup) until an explicit delete. */
  readonly keep?: boolean;
}

function createFlags(o: CreateArgOptions): string[] {
  const a = ['--bundle', o.bundle];
  if (o.pidFile) a.push('--pid-file', o.pidFile);
  if (o.consoleSocket) a.push('--console-socket', o.consoleSocket);
  if (o.noPivot) a.push('--no-pivot');
  if (o.noNewKeyring) a.push('--no-new-keyring');
  if (o.preserveFds) a.push('--preserve-fds', String(o.preserveFds));
  return a;
}

export function createArgs(id: string, o: CreateArgOptions): string[] {
  return ['create', ...createFlags(o), checkId(id)];
}

export function runArgs(id: string, o: RunArgOptions): string[] {
  const a = ['run', ...createFlags(o)];
  if (o.detach) a.push('--detach');
  if (o.keep) a.push('--keep');
  a.push(checkId(id));
  return a;
}

export interface ExecArgOptions {
  /** Path of the process.json to run. */
  readonly processFile: string;
  readonly detach?: boolean;
  readonly pidFile?: string;
  readonly consoleSocket?: string;
  readonly ignorePaused?: boolean;
  readonly preserveFds?: number;
}

export function execArgs(id: string, o: ExecArgOptions): string[] {
  const a = ['exec', '--process', o.processFile];
  if (o.detach) a.push('--detach');
  if (o.pidFile) a.push('--pid-file', o.pidFile);
  if (o.consoleSocket) a.push('--console-socket', o.consoleSocket);
  if (o.ignorePaused) a.push('--ignore-paused');
  if (o.preserveFds) a.push('--preserve-fds', String(o.preserveFds));
  a.push(checkId(id));
  return a;
}

/** `kill [--all] id SIG`; the signal is normalised to its number so runc and crun agree. */
export function killArgs(id: string, signal: string | number, all = false): string[] {
  const n = signalNumber(signal);
  if (n === null) {
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      'invalid-argument',
      `unknown signal ${JSON.stringify(signal)}; use a name like "SIGTERM" or a number 1-64`,
    );
  }
  return ['kill', ...(all ? ['--all'] : []), checkId(id), String(n)];
}

export function deleteArgs(id: string, force = false): string[] {
  return ['delete', ...(force ? ['--force'] : []), checkId(id)];
}

/** `events --interval` takes a Go duration; whole milliseconds keep it exact. */
export function eventsArgs(id: string, o: { stats?: boolean; intervalMs?: number }): string[] {
  if (o.stats) return ['events', '--stats', checkId(id)];
  const ms = o.intervalMs ?? 5000;
  if (!(Number.isInteger(ms) && ms > 0)) {
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      'invalid-argument',
      `events intervalMs must be a positive integer, got ${ms}`,
    );
  }
  return ['events', '--interval', `${ms}ms`, checkId(id)];
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$/;

/** Container ids are used as directory and file names: keep them to runc's safe set. */
export function checkId(id: string): string {
  if (typeof id !== 'string' || !ID_RE.test(id)) {
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      'invalid-argument',
      `container id ${JSON.stringify(id)} is invalid: use 1-128 characters from [A-Za-z0-9_.+-], starting with a letter or digit`,
    );
  }
  return id;
}
