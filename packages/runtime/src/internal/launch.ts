// The two ways Container.run starts a container, and the clean-up both share.
// - foreground: `runc run [--keep]` is the supervisor; its exit status is the container's.
// - terminal: `runc run --detach --console-socket` under the subreaper supervisor.
// Either way the exit result comes after the runtime state, cgroups and files are gone.
import { existsSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { Bundle } from '../bundle.js';
import type { ExitResult } from '../container.js';
import { RuncError, type RuntimeError } from '../errors.js';
import { oomKillCount } from '../oom.js';
import type { Runc } from '../runc.js';
import type { RuncProcess } from '../runc-process.js';
import { decodeExitStatus, signalName } from '../signals.js';
import { Terminal } from '../terminal.js';
import { type CgroupPlan, removeCgroupLeftovers } from './cgroup-leftovers.js';
import { removePidFile, unlinkQuiet } from './files.js';
import { onMemoryFs, pidFileLocation } from './pid-dir.js';
import { type PidFileWait, waitForPidFile } from './pid-file.js';
import { encodePlan, recordedPlanPath } from './recorded-cleanup.js';
import { startSupervised } from './supervisor-launch.js';
import { decodeWaitStatus } from './wait-status.js';

export interface LaunchContext {
  readonly id: string;
  readonly bundle: Bundle;
  readonly runtime: Runc;
  readonly cgroupsPath: string;
  readonly plan: CgroupPlan;
  readonly keep: boolean;
}

export interface Launched {
  readonly pid: number;
  readonly stdio: { stdin: Writable | null; stdout: Readable | null; stderr: Readable | null };
  readonly runtimePid: number | undefined;
  readonly done: Promise<ExitResult>;
  readonly terminal?: Terminal;
}

/** ctrkit's files for one run, removed by cleanup(). */
export interface RunFiles {
  readonly pidFile: string;
  /** The private directory holding the pid file (pid-dir.ts), or null when it is in the root. */
  readonly pidDir: string | null;
  /** The recorded clean-up plan, or null (nothing to record without cgroup parents or a pid dir). */
  readonly planPath: string | null;
}

/**
 * Places the pid file, clears stale per-container files (a leftover pid file or log would
 * be misread), and records the clean-up plan reconcile() uses after a crash of this process.
 * On a memory filesystem (the pid directory in /dev/shm, or a tmpfs root) the plan is written
 * here, synchronously (~10 µs). In a root on disk (only when /dev/shm is unusable) a create can
 * wait for the journal (0.3-0.5 ms measured while others wrote to the disk, and its kernel work
 * competes with runc's start): there it is written by the thread pool while the container
 * starts, and `planWritten` is awaited before Container.run resolves.
 */
function prepare(ctx: LaunchContext): { files: RunFiles; planWritten: Promise<void> | null } {
  const { runtime, id, plan } = ctx;
  runtime.ensureRoot();
  const { path: pidFile, dir: pidDir } = pidFileLocation(runtime.root, id);
  const recorded = plan.length > 0 || pidDir !== null;
  const planPath = recorded ? recordedPlanPath(runtime.root, id, pidDir) : null;
  const body = encodePlan({ root: runtime.root, cgroups: plan, pidDir });
  const inMemory = pidDir !== null || onMemoryFs(runtime.root);
  try {
    // Normally absent: looked for first, as a failed unlink costs a thrown error.
    if (pidDir === null && existsSync(pidFile)) unlinkQuiet(pidFile);
    if (existsSync(runtime.logPath(id))) unlinkQuiet(runtime.logPath(id));
    if (planPath !== null && inMemory) writeFileSync(planPath, body);
  } catch (err) {
    if (pidDir !== null) removePidFile(pidDir, id);
    throw err;
  }
  const planWritten = planPath !== null && !inMemory ? writeFile(planPath, body) : null;
  planWritten?.catch(() => {}); // observed by the caller
  return { files: { pidFile, pidDir, planPath }, planWritten };
}

export async function launchForeground(ctx: LaunchContext, stdio: 'pipe' | 'inherit' | 'ignore'): Promise<Launched> {
  const { id, runtime, plan, keep, cgroupsPath } = ctx;
  const { files, planWritten } = prepare(ctx);
  let pidWait: PidFileWait | undefined;
  let proc: RuncProcess;
  try {
    pidWait = waitForPidFile(files.pidFile);
    proc = runtime.run(id, { bundle: ctx.bundle.dir, pidFile: files.pidFile, keep, stdio: [stdio, stdio, stdio] });
  } catch (err) {
    pidWait?.cancel();
    await planWritten?.catch(() => {});
    await cleanup(runtime, id, plan, false, files);
    throw err;
  }
  const watch = pidWait;
  const exited = proc.exited.then(
    (e) => {
      // runc writes the pid file before it waits, so after its exit a missing file means no start.
      watch.check();
      watch.cancel();
      return e;
    },
    (err: unknown) => {
      watch.cancel();
      throw err;
    },
  );
  const pid = await watch.pid;
  const planError =
    planWritten === null
      ? null
      : await planWritten.then(
          () => null,
          (err: unknown) => err,
        );
  if (planError !== null && pid !== null) {
    // Without its plan a crash would leak cgroup parents: do not hand out the container.
    await runtime.kill(id, 'SIGKILL').catch(() => {});
    await exited.catch(() => {});
    await cleanup(runtime, id, plan, true, files);
    throw planError;
  }
  if (pid === null) {
    const failure = await exited.then(
      (e) => runtime.failure('run', id, 0, e.status, ''),
      (err: unknown) => err,
    );
    await cleanup(runtime, id, plan, true, files);
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
      await cleanup(runtime, id, plan, keep || e.status === null, files);
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
  const { files, planWritten } = prepare(ctx);
  let started: Awaited<ReturnType<typeof startSupervised>>;
  try {
    await planWritten;
    started = await startSupervised(runtime, id, ctx.bundle.dir, files.pidFile, {
      terminal: terminalMode,
      stdio: terminalMode ? 'ignore' : stdio,
    });
  } catch (err) {
    await cleanup(runtime, id, plan, true, files);
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
        await cleanup(runtime, id, plan, true, files);
        await started.supervisorGone;
      }
    },
    async (err: unknown) => {
      terminal?.close();
      await cleanup(runtime, id, plan, true, files);
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
export async function cleanup(
  runtime: Runc,
  id: string,
  plan: CgroupPlan,
  deleteState: boolean,
  files: RunFiles,
): Promise<void> {
  if (deleteState) {
    await runtime.delete(id, { force: true }).catch((err: unknown) => {
      if ((err as RuntimeError).code !== 'ERR_CONTAINER_NOT_FOUND') throw err;
    });
  }
  removeCgroupLeftovers(plan);
  unlinkQuiet(runtime.logPath(id));
  // The plan goes last: until everything it names is gone, reconcile() may still need it.
  if (files.pidDir !== null) removePidFile(files.pidDir, id);
  else {
    unlinkQuiet(files.pidFile);
    if (files.planPath !== null) unlinkQuiet(files.planPath);
  }
}
