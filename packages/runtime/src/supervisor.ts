// The per-container supervisor for terminal containers, run as its own Node process.
// runc refuses a console socket in the foreground, and a detached runc leaves the init
// to whoever reaps orphans. So this process makes itself a child subreaper, runs
// `runc run --detach --console-socket`, and becomes the init's parent: the init stays a
// zombie (libuv only reaps its own spawned children) until we have read its exact wait
// status from /proc/<pid>/stat, then we exit and pid 1 reaps it. Events go to fd 3 as
// JSON lines: started {pid}, exited {waitStatus}, failed {status}. Our fds 0-2 are the
// container's stdio (pipes to the parent) unless it has a terminal.
import { spawn } from 'node:child_process';
import { readFileSync, writeSync } from 'node:fs';
import { pidfdOpen, prctlSetChildSubreaper } from '@ctrkit/sys';
import { waitStatusFromStat } from './internal/wait-status.js';

export interface SupervisorConfig {
  readonly binary: string;
  /** Global flags and the full `run --detach ...` command. */
  readonly argv: string[];
  readonly pidFile: string;
  /** With a terminal the container's stdio is the pty and runc's stderr is kept for errors. */
  readonly terminal: boolean;
}

const EVENTS_FD = 3;

function emit(event: Record<string, unknown>): void {
  writeSync(EVENTS_FD, `${JSON.stringify(event)}\n`);
}

async function main(config: SupervisorConfig): Promise<void> {
  prctlSetChildSubreaper(true);
  // runc's stderr is read for the failure report only; completion is its 'exit' (runc#1721).
  const stderr: Buffer[] = [];
  const status = await new Promise<number | null>((resolve, reject) => {
    // Without a terminal, runc hands our stdio down to the container (detached pass-through).
    const child = spawn(config.binary, config.argv, {
      stdio: config.terminal ? ['ignore', 'ignore', 'pipe'] : 'inherit',
    });
    child.stderr?.on('data', (b: Buffer) => stderr.push(b));
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  if (status !== 0) {
    emit({ event: 'failed', status, stderr: Buffer.concat(stderr).toString('utf8') });
    return;
  }
  const pid = Number.parseInt(readFileSync(config.pidFile, 'utf8'), 10);
  // The init is our child now (or already our zombie): its pid cannot be reused under us.
  const pidfd = pidfdOpen(pid);
  emit({ event: 'started', pid });
  await pidfd.exited;
  const waitStatus = waitStatusFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  pidfd.close();
  emit({ event: 'exited', waitStatus });
}

if (process.argv[2] === '--ctrkit-supervise') {
  main(JSON.parse(process.argv[3] ?? '{}') as SupervisorConfig).then(
    () => process.exit(0),
    (err: unknown) => {
      emit({ event: 'error', message: err instanceof Error ? err.message : String(err) });
      process.exit(1);
    },
  );
}
