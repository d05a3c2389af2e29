// Removal by file descriptor: never follows a symlink, never leaves the directory fd it
// started from. Used for whiteouts and for replacing a directory by a non-directory.
import { closeSync, readdirSync } from 'node:fs';
import { AT, O, openatSync, unlinkatSync } from './sys.js';

/** Removes `name` in `dirFd` and, if it is a directory, everything beneath it. */
export function removeTree(dirFd: number, name: string): void {
  try {
    unlinkatSync(dirFd, name, 0);
    return;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') return;
    if (code !== 'EISDIR' && code !== 'EPERM') throw e;
  }
  const fd = openatSync(dirFd, name, O.RDONLY | O.DIRECTORY | O.NOFOLLOW | O.CLOEXEC);
  try {
    for (const child of readdirSync(`/proc/self/fd/${fd}`)) removeTree(fd, child);
  } finally {
    closeSync(fd);
  }
  unlinkatSync(dirFd, name, AT.REMOVEDIR);
}

/** The names in a directory given by fd. */
export function listDir(fd: number): string[] {
  return readdirSync(`/proc/self/fd/${fd}`);
}
