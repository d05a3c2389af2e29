// `events` two ways: the runtime's own NDJSON stream (runc), or samples read from the
// container's cgroup with @ctrkit/cgroups at the same interval (crun has no `events`).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cgroup, type CgroupStats } from '@ctrkit/cgroups';
import { RuncError } from './errors.js';
import { spawnError } from './internal/spawn.js';
import type { EventsOptions, Runc } from './runc.js';
import { eventsArgs } from './runc-args.js';
import type { RuncEvent, RuncStats } from './runc-types.js';
import type { Spec } from './spec-types.js';

export async function* runtimeEvents(runc: Runc, id: string, opts: EventsOptions): AsyncGenerator<RuncEvent> {
  const command = eventsArgs(id, opts);
  opts.signal?.throwIfAborted();
  runc.ensureRoot();
  const offset = await runc.logOffset(id);
  const child = spawn(runc.binary, runc.args(id, command), { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (b: Buffer) => stderr.push(b));
  const exit = new Promise<number | null>((res, rej) => {
    child.once('error', (e) => rej(spawnError(runc.binary, e)));
    child.once('exit', (code) => res(code));
  });
  const onAbort = () => child.kill('SIGTERM');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const lines = createInterface({
      input: child.stdout as NodeJS.ReadableStream,
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      try {
        yield JSON.parse(line) as RuncEvent;
      } catch {
        yield { type: 'error', id, error: line };
      }
    }
    const code = await exit;
    opts.signal?.throwIfAborted();
    if (code !== 0) throw await runc.failure('events', id, offset, code, Buffer.concat(stderr).toString('utf8'));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}

/** Maps @ctrkit/cgroups stats onto the keys `runc events` uses. */
export function toRuncStats(s: CgroupStats): RuncStats {
  return {
    ...(s.cpu ? { cpu: { usage: { total: s.cpu.usageNs, user: s.cpu.userNs, kernel: s.cpu.systemNs } } } : {}),
    ...(s.memory
      ? {
          memory: {
            usage: { usage: s.memory.usage, limit: s.memory.limit, max: s.memory.maxUsage },
            cache: s.memory.cache,
          },
        }
      : {}),
    ...(s.pids ? { pids: { current: s.pids.current, limit: s.pids.limit } } : {}),
  };
}

export async function* emulatedEvents(runc: Runc, id: string, opts: EventsOptions): AsyncGenerator<RuncEvent> {
  eventsArgs(id, opts); // the same argument checks as the real command
  opts.signal?.throwIfAborted();
  const state = await runc.state(id);
  if (state.status === 'stopped') {
    throw new RuncError(
      'ERR_CONTAINER_NOT_RUNNING',
      `${runc.binary} events`,
      `container with id ${id} is not running`,
      null,
    );
  }
  const spec = JSON.parse(await readFile(`${state.bundle}/config.json`, 'utf8')) as Spec;
  const cg = await Cgroup.load(spec.linux?.cgroupsPath ?? '');
  for (;;) {
    let stats: CgroupStats;
    try {
      stats = await cg.stats();
    } catch (err) {
      // The container stopped and its cgroup went away between samples: the stream ends.
      const code = (err as { code?: string }).code;
      if (code === 'ERR_CGROUP_NOT_FOUND' || code === 'ENOENT') return;
      throw err;
    }
    yield { type: 'stats', id, data: toRuncStats(stats) };
    if (opts.stats) return;
    await sleep(opts.intervalMs ?? 5000, undefined, opts.signal ? { signal: opts.signal } : {});
    const now = await runc.state(id).catch(() => null);
    if (!now || now.status === 'stopped') return;
  }
}
