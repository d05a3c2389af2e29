// A private containerd 1.6 for one test file: root, state and sockets in a temp dir, no
// TCP listeners, CRI and exotic snapshotters disabled; stopped by its pid. containerd
// may create /run/containerd (peers.md §4): removed afterwards if it was not there.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestContainerd {
  readonly address: string;
  readonly namespace: string;
  ctr(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startContainerd(namespace: string): Promise<TestContainerd> {
  const dir = await mkdtemp(join(tmpdir(), 'ctrkit-containerd-'));
  const runDirExisted = existsSync('/run/containerd');
  const address = join(dir, 'c.sock');
  await writeFile(
    join(dir, 'config.toml'),
    [
      'version = 2',
      `root = "${join(dir, 'root')}"`,
      `state = "${join(dir, 'state')}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]',
      '[grpc]',
      `  address = "${address}"`,
      '[ttrpc]',
      `  address = "${address}.ttrpc"`,
      '[debug]',
      `  address = "${join(dir, 'debug.sock')}"`,
      '[metrics]',
      '  address = ""',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('containerd', ['--config', join(dir, 'config.toml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c) => {
    stderr = (stderr + c).slice(-4000);
  });
  const ctr = async (...args: string[]) =>
    (await run('ctr', ['-a', address, '-n', namespace, ...args], { maxBuffer: 16 << 20 })).stdout;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    // Unmount anything containerd left under its root before removing it.
    const mounts = (await readFile('/proc/self/mounts', 'utf8'))
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(dir));
    for (const m of mounts.reverse()) await run('umount', [m]).catch(() => {});
    await rm(dir, { recursive: true, force: true });
    if (!runDirExisted) await rm('/run/containerd', { recursive: true, force: true });
  };
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) break;
    if (
      existsSync(address) &&
      (await ctr('version').then(
        () => true,
        () => false,
      ))
    )
      return { address, namespace, ctr, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`containerd did not start: ${stderr}`);
}
