// wait(2) statuses: how the supervisor reads one from /proc and how it is split.
import { RuntimeError } from '../errors.js';

/** Field 52 of /proc/<pid>/stat: the wait(2) status of an exited task (Linux >= 3.5). */
export function waitStatusFromStat(stat: string): number {
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(' ');
  // fields[0] is field 3 (state); exit_code is field 52.
  const v = Number(fields[52 - 3]);
  if (!Number.isInteger(v)) {
    throw new RuntimeError(
      'ERR_RUNTIME',
      'internal',
      `no exit_code in /proc stat line: ${stat.slice(0, 80)} (needs Linux >= 3.5)`,
    );
  }
  return v;
}

/** Splits a wait(2) status into an exit code (128+n for signal n) and the signal. */
export function decodeWaitStatus(status: number): { exitCode: number; signal: number | null } {
  const sig = status & 0x7f;
  if (sig === 0) return { exitCode: (status >> 8) & 0xff, signal: null };
  return { exitCode: 128 + sig, signal: sig };
}
