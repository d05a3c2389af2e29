// Waits for runc's --pid-file without polling: runc writes it atomically (a dot-file,
// then rename) once the container has started, so an inotify watch on the directory
// sees the rename. The watch is made before runc is spawned, so no event is missed.
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface PidFileWait {
  /** Resolves with the pid once the file is there; `null` if cancel() came first. */
  readonly pid: Promise<number | null>;
  /** Checks the file now, unless the pid is already known (call when runc has exited: a written file is then complete). */
  check(): void;
  cancel(): void;
}

function readPid(path: string): number | null {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

export function waitForPidFile(path: string): PidFileWait {
  const name = basename(path);
  let watcher: FSWatcher | undefined;
  let settled = false;
  let settle: (pid: number | null) => void = () => {};
  const pid = new Promise<number | null>((resolve) => {
    settle = (v) => {
      watcher?.close();
      watcher = undefined;
      settled = true;
      settle = () => {};
      resolve(v);
    };
  });
  watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
    if (file !== name) return;
    const n = readPid(path);
    if (n !== null) settle(n);
  });
  // A failed watch only loses the early notice: check() after runc's exit still finds the file.
  watcher.on('error', () => {
    watcher?.close();
    watcher = undefined;
  });
  return {
    pid,
    check: () => {
      if (settled) return;
      const n = readPid(path);
      if (n !== null) settle(n);
    },
    cancel: () => settle(null),
  };
}
