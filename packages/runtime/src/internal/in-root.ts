// Reads a file inside a rootfs the way the container would see it: symlinks (absolute
// or relative) are resolved against the rootfs, never against the host, and `..` cannot
// climb above it. An image's /etc/passwd may well be a symlink to /somewhere/else.
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

const MAX_LINKS = 40; // Linux's own MAXSYMLINKS

/** The host path of `path` inside `root`, following symlinks within the root. */
export async function resolveInRoot(root: string, path: string): Promise<string> {
  let pending = path.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      done.pop();
      continue;
    }
    const host = join(root, ...done, part);
    let isLink = false;
    try {
      isLink = (await lstat(host)).isSymbolicLink();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (!isLink) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) {
      throw Object.assign(new Error(`ELOOP: too many symbolic links resolving ${path} in ${root}`), { code: 'ELOOP' });
    }
    const target = await readlink(host);
    if (target.startsWith('/')) done.length = 0;
    pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
  }
  return join(root, ...done);
}

/** The file's text, or null when it does not exist in the root. */
export async function readInRoot(root: string, path: string): Promise<string | null> {
  try {
    return await readFile(await resolveInRoot(root, path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}
