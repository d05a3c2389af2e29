// Signal names and numbers (x86-64/arm64 Linux), as runc's `kill` accepts and as wait
// statuses report them (a signalled container exits 128+n from a foreground runc).
import { constants } from 'node:os';

export type SignalName = NodeJS.Signals;

const BY_NUMBER = new Map<number, SignalName>();
for (const [name, num] of Object.entries(constants.signals)) {
  if (!BY_NUMBER.has(num)) BY_NUMBER.set(num, name as SignalName);
}
// SIGIOT and SIGPOLL alias SIGABRT and SIGIO; prefer the common names.
BY_NUMBER.set(6, 'SIGABRT');
BY_NUMBER.set(29, 'SIGIO');

/** The highest real-time signal on Linux. */
const SIGRTMAX = 64;

/** Normalises "TERM", "SIGTERM", 15 or "15" to a signal number; null when unknown. */
export function signalNumber(sig: string | number): number | null {
  if (typeof sig === 'number') return Number.isInteger(sig) && sig > 0 && sig <= SIGRTMAX ? sig : null;
  const s = sig.trim().toUpperCase();
  if (/^\d+$/.test(s)) return signalNumber(Number(s));
  const name = (s.startsWith('SIG') ? s : `SIG${s}`) as SignalName;
  const n = (constants.signals as Record<string, number>)[name];
  return n ?? null;
}

/** The name of a signal number ("SIGKILL"), or `SIG<n>` for real-time signals. */
export function signalName(n: number): string {
  return BY_NUMBER.get(n) ?? `SIG${n}`;
}

/**
 * Splits a foreground runc's exit status into the container's exit code or signal:
 * runc exits 128+n when the init was killed by signal n (libcontainer/utils ExitStatus).
 */
export function decodeExitStatus(status: number): { exitCode: number; signal: string | null } {
  if (status > 128 && status <= 128 + SIGRTMAX) return { exitCode: status, signal: signalName(status - 128) };
  return { exitCode: status, signal: null };
}
