// events(): an async iterator of typed changes. v2: fs.watch on cgroup.events and
// memory.events (kernfs notifies on every change), re-reading the whole file after each
// notification and diffing counters, because notifications coalesce. v1: memory.oom_control
// gives no inotify events (measured), so its oom_kill counter is polled; without a cgroup2
// directory, `populated` is polled from cgroup.procs too.
import { join } from 'node:path';
import { parseFlatKeyed } from '../parse.js';
import type { CgroupEvent, CgroupEventType } from '../types.js';
import { readOptional } from './fsio.js';
import { type OomWatch, watchOomV1 } from './oom-v1.js';
import { type Placement, serve } from './placement.js';
import { readPids } from './procs.js';
import { subscribe } from './watch-hub.js';

export interface EventsOptions {
  /** Stops the iteration; the iterator then throws `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Finish after reporting `populated 0` (at once if the cgroup is already empty). @default false */
  readonly untilEmpty?: boolean;
  /** Poll interval for the v1 sources that have no notifications, in ms. @default 100 */
  readonly pollMs?: number;
  /**
   * v1 OOM source: an eventfd on cgroup.event_control (needs the @ctrkit/sys addon),
   * polling memory.oom_control, or `auto` (eventfd when the addon loads, else polling).
   * @default 'auto'
   */
  readonly oomSource?: 'auto' | 'eventfd' | 'poll';
}

const V2_MEMORY_KEYS: readonly CgroupEventType[] = ['oom', 'oom_kill', 'max', 'high'];

export async function* watchEvents(p: Placement, opts: EventsOptions = {}): AsyncGenerator<CgroupEvent> {
  const { signal, untilEmpty = false, pollMs = 100, oomSource = 'auto' } = opts;
  signal?.throwIfAborted();
  const queue: CgroupEvent[] = [];
  let gone = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const push = (type: CgroupEventType, count: number) => {
    queue.push({ type, count });
    notify();
  };
  const vanish = () => {
    gone = true;
    notify();
  };
  const cleanups: (() => void)[] = [];
  const onAbort = () => notify();
  signal?.addEventListener('abort', onAbort, { once: true });
  cleanups.push(() => signal?.removeEventListener('abort', onAbort));

  // A flat-keyed file whose chosen keys are diffed against the last read.
  const tracker = (file: string, keys: readonly CgroupEventType[]) => {
    const first = readOptional(file);
    if (first === undefined) return undefined;
    let last = parseFlatKeyed(first);
    return () => {
      const text = readOptional(file);
      if (text === undefined) {
        gone = true;
        notify();
        return;
      }
      const now = parseFlatKeyed(text);
      for (const k of keys) if ((now[k] ?? 0) !== (last[k] ?? 0)) push(k, now[k] ?? 0);
      last = now;
    };
  };

  let populated: boolean;
  if (p.v2) {
    const file = join(p.v2, 'cgroup.events');
    populated = parseFlatKeyed(readOptional(file) ?? '').populated === 1;
    const check = tracker(file, ['populated', 'frozen']);
    if (check) cleanups.push(subscribe(file, (vanished) => (vanished ? vanish() : check())));
    else gone = true;
  } else {
    populated = procs(p).length > 0;
  }
  const mem = serve(p, 'memory');
  if (mem?.version === 2) {
    const file = join(mem.dir, 'memory.events');
    const check = tracker(file, V2_MEMORY_KEYS);
    if (check) cleanups.push(subscribe(file, (vanished) => (vanished ? vanish() : check())));
  }
  const polls: (() => void)[] = [];
  if (mem?.version === 1) {
    const file = join(mem.dir, 'memory.oom_control');
    let last = parseFlatKeyed(readOptional(file) ?? '');
    let ooms = 0;
    // Returns false when the cgroup is gone.
    const check = (notified: boolean): boolean => {
      const text = readOptional(file);
      if (text === undefined) {
        gone = true;
        return false;
      }
      const now = parseFlatKeyed(text);
      const kills = now.oom_kill ?? 0;
      const rising = (now.under_oom ?? 0) === 1 && (last.under_oom ?? 0) === 0;
      if (notified || kills > (last.oom_kill ?? 0) || rising) push('oom', ++ooms);
      if (kills !== (last.oom_kill ?? 0)) push('oom_kill', kills);
      last = now;
      return true;
    };
    const oom = oomSource === 'poll' ? undefined : await tryEventfd(mem.dir, oomSource === 'eventfd');
    let closed = false;
    if (oom) {
      cleanups.push(() => {
        closed = true;
        oom.close();
      });
      // The baseline was read before the (asynchronous) registration: an OOM in between
      // shows up as a changed counter now.
      check(false);
      void (async () => {
        while (await oom.next()) {
          const killsBefore = last.oom_kill ?? 0;
          check(true);
          // The notification comes when the cgroup hits OOM; the kill is counted when the
          // OOM killer has picked its victim, which can lag on a loaded machine. Look again
          // with backoff until the kill shows and the cgroup is out of OOM (at most ~4 s).
          for (const ms of [10, 40, 100, 250, 500, 1000, 2000]) {
            if ((last.oom_kill ?? 0) > killsBefore && (last.under_oom ?? 0) === 0) break;
            await new Promise((r) => setTimeout(r, ms));
            if (closed || !check(false)) break;
          }
        }
        gone = true;
        notify();
      })();
    } else {
      polls.push(() => void check(false));
    }
  }
  if (!p.v2) {
    polls.push(() => {
      const now = procs(p).length > 0;
      if (now !== populated) push('populated', now ? 1 : 0);
      populated = now;
    });
  }
  if (polls.length > 0) {
    const timer = setInterval(() => {
      for (const poll of polls) poll();
      if (gone) notify();
    }, pollMs);
    cleanups.push(() => clearInterval(timer));
  }

  try {
    if (untilEmpty && !populated) {
      yield { type: 'populated', count: 0 };
      return;
    }
    for (;;) {
      while (queue.length > 0) {
        const ev = queue.shift()!;
        yield ev;
        if (untilEmpty && ev.type === 'populated' && ev.count === 0) return;
      }
      signal?.throwIfAborted();
      if (gone) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    for (const c of cleanups) c();
  }
}

async function tryEventfd(dir: string, required: boolean): Promise<OomWatch | undefined> {
  try {
    return await watchOomV1(dir);
  } catch (err) {
    if (required) throw err;
    return undefined;
  }
}

function procs(p: Placement): number[] {
  const dir = p.v1Dirs[0];
  return dir ? readPids(dir) : [];
}
