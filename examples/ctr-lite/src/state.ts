// ctr-lite's state directory: one root holding the content store, image store,
// snapshots, container records and runc's state, like containerd's /var/lib/containerd.
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where ctr-lite keeps everything: `--root`, else `CTRKIT_ROOT`, else /var/lib/ctrkit as root. */
export function defaultRoot(): string {
  if (process.env.CTRKIT_ROOT) return resolve(process.env.CTRKIT_ROOT);
  return process.getuid?.() === 0 ? '/var/lib/ctrkit' : join(homedir(), '.local', 'share', 'ctrkit');
}

export interface StatePaths {
  readonly root: string;
  readonly content: string;
  readonly images: string;
  readonly snapshots: string;
  readonly containers: string;
  readonly runc: string;
  readonly ipam: string;
}

export function statePaths(root: string): StatePaths {
  return {
    root,
    content: join(root, 'content'),
    images: join(root, 'images'),
    snapshots: join(root, 'snapshots'),
    containers: join(root, 'containers'),
    runc: join(root, 'runc'),
    ipam: join(root, 'ipam'),
  };
}

export async function ensureState(paths: StatePaths): Promise<void> {
  for (const dir of Object.values(paths)) await mkdir(dir, { recursive: true, mode: 0o711 });
}
