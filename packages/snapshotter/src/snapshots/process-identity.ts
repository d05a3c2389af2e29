// Who owns a lock or an in-flight unpack: a pid plus the process's start time, so that a
// pid the kernel has recycled for another process is not mistaken for the owner.
import { readFileSync } from 'node:fs';

let self: string | undefined;

/** `"<pid> <starttime>"` of this process. */
export function processIdentity(): string {
  self ??= `${process.pid} ${processStartTime(process.pid)}`;
  return self;
}

/** True while the process named by `identity` (from processIdentity) is running. */
export function identityAlive(identity: string): boolean {
  const [pidText, start] = identity.split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  return processStartTime(pid) === start;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks); '' if the process is gone or a zombie. */
function processStartTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z' || rest[0] === 'X') return '';
    return rest[19] ?? '';
  } catch {
    return '';
  }
}
