// Freezing with a bound. v1: write FROZEN and poll freezer.state out of FREEZING, with
// runc's trick of an occasional thaw-and-retry for tasks that keep forking (runc PR
// #2774); thaw again if it never settles. v2: write cgroup.freeze and wait for
// `frozen 1` in cgroup.events; on timeout write 0 back (runc#5325 forgets this).
import { join } from 'node:path';
import { CgroupError } from '../errors.js';
import { parseFlatKeyed } from '../parse.js';
import { readText, writeValue } from './fsio.js';
import { sleep } from './sleep.js';

export type FreezerState = 'thawed' | 'freezing' | 'frozen';

export function stateV1(dir: string): FreezerState {
  const s = readText(join(dir, 'freezer.state')).trim();
  return s === 'FROZEN' ? 'frozen' : s === 'FREEZING' ? 'freezing' : 'thawed';
}

export function stateV2(dir: string): FreezerState {
  const events = parseFlatKeyed(readText(join(dir, 'cgroup.events')));
  if (events.frozen === 1) return 'frozen';
  return readText(join(dir, 'cgroup.freeze')).trim() === '1' ? 'freezing' : 'thawed';
}

function timeout(dir: string, ms: number): CgroupError {
  return new CgroupError(
    'ERR_CGROUP_TIMEOUT',
    'unavailable',
    `${dir} did not finish freezing within ${ms} ms (tasks stuck in uninterruptible sleep?); it was thawed again — retry, or raise timeoutMs`,
    { path: dir },
  );
}

export async function freezeV1(dir: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const file = join(dir, 'freezer.state');
  const end = performance.now() + timeoutMs;
  try {
    for (let i = 0; ; i++) {
      signal?.throwIfAborted();
      if (i % 50 === 49) {
        writeValue(file, 'THAWED');
        await sleep(10, signal);
      }
      writeValue(file, 'FROZEN');
      if (stateV1(dir) === 'frozen') return;
      if (performance.now() >= end) throw timeout(dir, timeoutMs);
      await sleep(i < 10 ? 0 : 1, signal);
    }
  } catch (err) {
    // Never leave it half-frozen: a timeout or an abort thaws again.
    writeValue(file, 'THAWED');
    throw err;
  }
}

export async function thawV1(dir: string): Promise<void> {
  writeValue(join(dir, 'freezer.state'), 'THAWED');
  // THAWED takes effect at once; a parent that is frozen keeps this one frozen.
}

export async function freezeV2(dir: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  writeValue(join(dir, 'cgroup.freeze'), '1');
  const end = performance.now() + timeoutMs;
  let wait = 0;
  try {
    while (stateV2(dir) !== 'frozen') {
      if (performance.now() >= end) throw timeout(dir, timeoutMs);
      await sleep(wait, signal);
      wait = Math.min(wait + 1, 10);
    }
  } catch (err) {
    writeValue(join(dir, 'cgroup.freeze'), '0');
    throw err;
  }
}

export async function thawV2(dir: string): Promise<void> {
  writeValue(join(dir, 'cgroup.freeze'), '0');
}
