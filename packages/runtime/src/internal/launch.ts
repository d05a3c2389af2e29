// The two ways Container.run starts a container, and the clean-up both share.
// - foreground: `runc run [--keep]` is the supervisor; its exit status is the container's.
// - terminal: `runc run --detach --console-socket` under the subreaper supervisor.
// Either way the exit result comes after the runtime state, cgroups and files are gone.
import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { Bundle } from '../bundle.js';
import type { ExitResult } from '../container.js';
import { RuncError, type RuntimeError } from '../errors.js';
import { oomKillCount } from '../oom.js';
import type { Runc } from '../runc.js';
import { decodeExitStatus, signalName } from '../signals.js';
import { Terminal } from '../terminal.js';
import { type CgroupPlan, removeCgroupLeftovers } from './cgroup-leftovers.js';
import { waitForPidFile } from './pid-file.js';
import { startSupervised } from './supervisor-launch.js';
import { decodeWaitStatus } from './wait-status.js';

export interface LaunchContext {
  readonly id: string;
  readonly bundle: Bundle;
  readonly runtime: Runc;
  readonly cgroupsPath: string;
  readonly plan: CgroupPlan;
  readonly keep: boolean;
  readonly pidFile: string;
}

export interface Launched {
  readonly pid: number;
  readonly stdio: { stdin: Writable | null; stdout: Readable | null; stderr: Readable | null };
  readonly runtimePid: number | undefined;
  readonly done: Promise<ExitResult>;
  readonly terminal?: Terminal;
}

/**
 * Clears stale per-container files (a leftover pid file or log would be misread), and
 * returns the write of the clean-up plan reconcile() uses after a crash of this process;
 * it runs while the container starts, and is awaited before Container.run resolves.
 */
async function prepare(ctx: LaunchContext): Promise<{ planWritten: Promise<void> }> {
  const { runtime, id } = ctx;
  runtime.ensureRoot();
  // Small unlinks in our own state dir: synchronous, as each thread-pool hop costs more.
  rmSync(ctx.pidFile, { force: true });
  rmSync(runtime.logPath(id), { force: true });
  const planWritten = writeFile(`${runtime.root}/${id}.cgroups.json`, JSON.stringify(ctx.plan));
  planWritten.catch(() => {}); // observed by the caller
  return { planWritten };
}

export async function launchForeground(ctx: LaunchContext, stdio: 'pipe' | 'inherit' | 'ignore'): Promise<Launched> {
  const { id, runtime, plan, keep, cgroupsPath } = ctx;
  const { planWritten } = await prepare(ctx);
  const pidWait = waitForPidFile(ctx.pidFile);
  const proc = runtime.run(id, { bundle: ctx.bundle.dir, pidFile: ctx.pidFile, keep, stdio: [stdio, stdio, stdio] });
  const planDone = planWritten.then(
    () => null,
    (err: unknown) => err,
  );
  const exited = proc.exited.then(
    (e) => {
      // runc writes the pid file before it waits, so after its exit a missing file means no start.
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
  const planError = await planDone;
  if (planError !== null && pid !== null) {
    // Without its plan a crash would leak cgroup parents: do not hand out the container.
    await runtime.kill(id, 'SIGKILL').catch(() => {});
    await exited.catch(() => {});
    await cleanup(runtime, id, plan, true);
    throw planError;
  }
  if (pid === null) {
    const failure = await exited.then(
      (e) => runtime.failure('run', id, 0, e.status, ''),
      (err: unknown) => err,
    );
    await cleanup(runtime, id, plan, true);
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
  return { pid, stdio: { stdin: proc.stdin, stdout: proc.stdout, stderr: proc.stderr }, runtimePid: proc.pid, done };
}

/**
 * A detached runc under the subreaper supervisor: always for terminals, and for pipes
 * when the caller wants the exact wait status (exit 137 and SIGKILL told apart).
 */
export async function launchSupervised(
  ctx: LaunchContext,
  stdio: 'pipe' | 'inherit' | 'ignore' | 'terminal',
): Promise<Launched> {
  const { id, runtime, plan, cgroupsPath } = ctx;
  const terminalMode = stdio === 'terminal';
  await (await prepare(ctx)).planWritten;
  let started: Awaited<ReturnType<typeof startSupervised>>;
  try {
    started = await startSupervised(runtime, id, ctx.bundle.dir, ctx.pidFile, {
      terminal: terminalMode,
      stdio: terminalMode ? 'ignore' : stdio,
    });
  } catch (err) {
    await cleanup(runtime, id, plan, true);
    throw err;
  }
  const terminal = started.master !== null ? new Terminal(started.master, started.setWinsize) : undefined;
  const done = started.exited.then(
    async (ws): Promise<ExitResult> => {
      try {
        await terminal?.drainAndClose();
        const { exitCode, signal } = decodeWaitStatus(ws);
        // A detached container keeps its state until deleted, so the counter is still there.
        const oom = ((await oomKillCount(cgroupsPath)) ?? 0) > 0;
        return { exitCode, signal: signal === null ? null : signalName(signal), oomKilled: oom };
      } finally {
        await cleanup(runtime, id, plan, true);
      }
    },
    async (err: unknown) => {
      terminal?.close();
      await cleanup(runtime, id, plan, true);
      throw err;
    },
  );
  return {
    pid: started.pid,
    stdio: terminal ? { stdin: terminal.input, stdout: terminal.output, stderr: null } : started.stdio,
    runtimePid: started.supervisorPid,
    done,
    ...(terminal ? { terminal } : {}),
  };
}

/** Removes everything a container left: runtime state (when kept), cgroup leftovers, our files. */
export async function cleanup(runtime: Runc, id: string, plan: CgroupPlan, deleteState: boolean): Promise<void> {
  if (deleteState) {
    await runtime.delete(id, { force: true }).catch((err: unknown) => {
      if ((err as RuntimeError).code !== 'ERR_CONTAINER_NOT_FOUND') throw err;
    });
  }
  await removeCgroupLeftovers(plan);
  for (const f of [`${id}.pid`, `${id}.log.json`, `${id}.cgroups.json`])
    rmSync(`${runtime.root}/${f}`, { force: true });
}
