// A private containerd for interop tests (peers.md §4): its own root, state and sockets
// in a temp dir, no CRI, no TCP listener, stopped by pid. containerd 1.6 also writes
// under /run/containerd; if that did not exist before, the empty directories it made
// are removed afterwards (rmdir only, so another instance's files are never touched).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Containerd {
  readonly root: string;
  readonly address: string;
  readonly namespace: string;
  ctr(...args: string[]): Promise<string>;
  /**
   * A view on committed snapshot `parent`, kept from containerd's GC (an unreferenced
   * view can be collected right after it is made, when an import has just scheduled a
   * GC run), and its mounts.
   */
  view(snapshotter: string, key: string, parent: string): Promise<ContainerdMount[]>;
  stop(): Promise<void>;
}

export interface ContainerdMount {
  readonly type: string;
  readonly source: string;
  readonly options: readonly string[];
}

export async function startContainerd(dir: string, namespace: string): Promise<Containerd> {
  const root = join(dir, 'root');
  const address = join(dir, 'containerd.sock');
  const hadRun = existsSync('/run/containerd');
  await mkdir(root, { recursive: true });
  const config = `version = 2
root = "${root}"
state = "${join(dir, 'state')}"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "${address}"
[ttrpc]
  address = "${join(dir, 'containerd.ttrpc.sock')}"
[metrics]
  address = ""
`;
  await writeFile(join(dir, 'config.toml'), config);
  const child: ChildProcess = spawn('containerd', ['--config', join(dir, 'config.toml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d) => {
    log = (log + d).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ctr = async (...args: string[]) =>
    (await run('ctr', ['--address', address, '--namespace', namespace, ...args], { maxBuffer: 1 << 24 })).stdout;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    if (!hadRun) {
      for (const d of [`runc/${namespace}`, 'runc', 's', 'fifo', ''])
        await rmdir(join('/run/containerd', d)).catch(() => {});
    }
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`containerd exited at start-up: ${log}`);
    try {
      await ctr('version');
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`containerd did not become ready: ${(err as Error).message}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const view = async (snapshotter: string, key: string, parent: string): Promise<ContainerdMount[]> => {
    for (let attempt = 0; ; attempt++) {
      const out = await ctr('snapshots', '--snapshotter', snapshotter, 'view', '--mounts', key, parent);
      try {
        await ctr('snapshots', '--snapshotter', snapshotter, 'label', key, 'containerd.io/gc.root=ctrkit-test');
      } catch (err) {
        // Collected between the two calls: make it again (the key is free once it is gone).
        if (attempt < 5 && /not found/.test((err as Error).message)) continue;
        throw err;
      }
      return (JSON.parse(out) as { Type: string; Source: string; Options: string[] | null }[]).map((m) => ({
        type: m.Type,
        source: m.Source,
        options: m.Options ?? [],
      }));
    }
  };
  return { root, address, namespace, ctr, view, stop };
}
