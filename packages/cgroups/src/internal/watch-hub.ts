// One fs.watch per control file, shared by every listener of that file. libuv already
// keeps a single inotify instance per event loop (200 watchers used 1 inotify fd,
// measured), so thousands of cgroups cost one watch each, not one instance each
// (containerd/cgroups#364).
import { existsSync, type FSWatcher, watch } from 'node:fs';

type Listener = (gone: boolean) => void;

const watchers = new Map<string, { watcher: FSWatcher; listeners: Set<Listener> }>();

/** Calls `listener(false)` on every change of `file` and `listener(true)` if it vanishes. Returns an unsubscribe. */
export function subscribe(file: string, listener: Listener): () => void {
  let entry = watchers.get(file);
  if (!entry) {
    const listeners = new Set<Listener>();
    const watcher = watch(file, { persistent: true }, (event) => {
      // 'rename' is how a deleted (rmdir'ed) file shows up; confirm before calling it gone.
      const gone = event === 'rename' && !existsSync(file);
      for (const l of [...listeners]) l(gone);
    });
    watcher.on('error', () => {
      for (const l of [...listeners]) l(true);
    });
    entry = { watcher, listeners };
    watchers.set(file, entry);
  }
  const e = entry;
  e.listeners.add(listener);
  return () => {
    e.listeners.delete(listener);
    if (e.listeners.size === 0 && watchers.get(file) === e) {
      watchers.delete(file);
      e.watcher.close();
    }
  };
}

/** How many files are watched now (for leak checks). */
export function watchedFiles(): number {
  return watchers.size;
}
