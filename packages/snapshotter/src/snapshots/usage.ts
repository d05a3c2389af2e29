// Disk usage of a directory tree, as containerd's fs.DiskUsage: allocated blocks and inode
// count, each hardlinked inode counted once. The directory itself is counted too.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SnapshotUsage } from './types.js';

export async function diskUsage(dir: string): Promise<SnapshotUsage> {
  const seen = new Set<bigint>();
  let size = 0;
  let inodes = 0;
  const visit = async (path: string): Promise<void> => {
    const st = await lstat(path, { bigint: true });
    if (!seen.has(st.ino)) {
      seen.add(st.ino);
      inodes += 1;
      size += Number(st.blocks) * 512;
    }
    if (st.isDirectory()) {
      for (const name of await readdir(path)) await visit(join(path, name));
    }
  };
  await visit(dir);
  return { size, inodes };
}
