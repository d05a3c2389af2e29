// Helpers for system tests: a unique parent cgroup per test file, processes started
// through a waiting trampoline (they block on stdin until attached, so they never run
// outside the cgroup), and the leak check over every hierarchy.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueName } from '@ctrkit/testkit';
import { Cgroup, detectMode } from '../../src/index.js';

/** `/ctrkit-test-<unique>`: the parent of everything one test file creates. */
export function testParentPath(): string {
  return `/ctrkit-test-${uniqueName('cg', 24)}`;
}

/** Every directory of `path` that still exists in any hierarchy under /sys/fs/cgroup. */
export function leftovers(path: string): string[] {
  const layout = detectMode();
  const mounts = [...layout.v1.map((h) => h.dir), ...(layout.v2 ? [layout.v2.dir] : [])];
  // Named hierarchies (name=systemd) are never used by this package, but check them too.
  if (existsSync('/sys/fs/cgroup/systemd')) mounts.push('/sys/fs/cgroup/systemd');
  return mounts.map((m) => join(m, path.slice(1))).filter((d) => existsSync(d));
}

/** Deletes `path` in every hierarchy if it still exists (killing what is left). */
export async function removeAll(path: string): Promise<void> {
  let cg: Cgroup | undefined;
  try {
    cg = await Cgroup.load(path);
  } catch {}
  if (cg) {
    try {
      await cg.kill({ timeoutMs: 5000 });
    } catch {}
    await cg.delete({ timeoutMs: 10_000 });
  }
  // runc also creates the container's cgroup in the named name=systemd hierarchy, which
  // this package never uses; remove what a test's runc left there, by exact path.
  rmdirTree(join('/sys/fs/cgroup/systemd', path.slice(1)));
}

function rmdirTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const d of readdirSync(dir, { withFileTypes: true })) if (d.isDirectory()) rmdirTree(join(dir, d.name));
  rmdirSync(dir);
}

export interface Held {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Lets the trampoline exec the real command. */
  release(): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `sh -c 'read _; exec <script>'`: blocked until release(), so it can be attached first. */
export function hold(script: string, options: { stdout?: 'pipe' | 'ignore' } = {}): Held {
  const child = spawn('/bin/sh', ['-c', `read _ ; exec /bin/sh -c '${script.replace(/'/g, `'\\''`)}'`], {
    stdio: ['pipe', options.stdout ?? 'ignore', 'ignore'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  if (child.pid === undefined) throw new Error('spawn failed');
  return {
    child,
    pid: child.pid,
    release: () => child.stdin?.end('\n'),
    exited,
  };
}

export const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until it holds (resolves true) or `timeoutMs` passes (resolves false). */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (await cond()) return true;
    await sleepMs(20);
  }
  return cond();
}
