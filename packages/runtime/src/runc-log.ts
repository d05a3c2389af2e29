// runc's `--log-format json` lines: {"level":"error","msg":"...","time":"..."}. The last
// error entry is the runtime's own failure (containerd's getLastRuntimeError), and it
// is mapped to a stable code by the strings in shared/reference/runtime.md §2.10.
import type { RuntimeErrorCode } from './errors.js';

export interface RuncLogEntry {
  readonly level: string;
  readonly msg: string;
  readonly time?: string;
}

/** Parses NDJSON log text; lines that are not JSON are kept as level "unknown". */
export function parseRuncLog(text: string): RuncLogEntry[] {
  const out: RuncLogEntry[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    try {
      const j = JSON.parse(t) as Record<string, unknown>;
      out.push({
        level: typeof j.level === 'string' ? j.level : 'unknown',
        msg: typeof j.msg === 'string' ? j.msg : t,
        ...(typeof j.time === 'string' ? { time: j.time } : {}),
      });
    } catch {
      out.push({ level: 'unknown', msg: t });
    }
  }
  return out;
}

/** The message of the last error (or fatal/panic) entry, if any. */
export function lastRuncError(entries: readonly RuncLogEntry[]): string | null {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as RuncLogEntry;
    if (e.level === 'error' || e.level === 'fatal' || e.level === 'panic') return e.msg;
  }
  return null;
}

/** Pulls the message out of runc's plain-text stderr (`time=… level=error msg="…"` or a bare line). */
export function stderrMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = (lines[i] as string).match(/level=(?:error|fatal)\s+msg="((?:[^"\\]|\\.)*)"/);
    if (m) return (m[1] as string).replace(/\\"/g, '"');
  }
  return lines[lines.length - 1] ?? '';
}

/** Maps a runtime message to a code: not found / not running / exists, else ERR_RUNTIME. */
export function classifyRuncMessage(
  msg: string,
): Extract<
  RuntimeErrorCode,
  'ERR_RUNTIME' | 'ERR_CONTAINER_NOT_FOUND' | 'ERR_CONTAINER_NOT_RUNNING' | 'ERR_CONTAINER_EXISTS'
> {
  if (/container does not exist|does not exist|no such container/i.test(msg) && !/exec:|stat /.test(msg)) {
    return 'ERR_CONTAINER_NOT_FOUND';
  }
  if (/container not running|is not running|container .* is not running|not running/i.test(msg)) {
    return 'ERR_CONTAINER_NOT_RUNNING';
  }
  if (/already exists|container with id exists/i.test(msg)) return 'ERR_CONTAINER_EXISTS';
  return 'ERR_RUNTIME';
}
