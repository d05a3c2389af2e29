// Samples a block device twice and reports iostat -x's figures for the interval. The
// interval is measured as iostat measures it, from /proc/uptime (centiseconds), so both
// tools agree when they watch the same interval.
import { readFile } from 'node:fs/promises';
import { findDevice, readDiskstats } from './diskstats.js';
import { checkNumber, DiskperfError } from './errors.js';
import { type IostatStats, iostatFromSamples } from './iostat.js';

export interface SampleOptions {
  readonly signal?: AbortSignal;
  /** @default '/proc' */
  readonly procRoot?: string;
}

/** Seconds since boot from /proc/uptime, with its centisecond resolution. */
export async function readUptime(procRoot = '/proc'): Promise<number> {
  const text = await readFile(`${procRoot}/uptime`, 'utf8').catch((cause) => {
    throw new DiskperfError(
      'ERR_UNSUPPORTED',
      `cannot read ${procRoot}/uptime: diskstats sampling needs Linux's /proc`,
      { cause },
    );
  });
  const up = Number(text.split(/\s+/)[0]);
  if (!Number.isFinite(up))
    throw new DiskperfError('ERR_DISKSTATS_PARSE', `${procRoot}/uptime does not start with a number: "${text.trim()}"`);
  return up;
}

/**
 * iostat -x for `device` ('vda', '/dev/vda' or '254:0') over `intervalMs`. An interval of
 * 0 gives the since-boot figures, as iostat's first report does.
 */
export async function sampleDiskstats(
  device: string,
  intervalMs: number,
  options: SampleOptions = {},
): Promise<IostatStats> {
  checkNumber('intervalMs', intervalMs, 0, 86_400_000);
  const signal = options.signal;
  signal?.throwIfAborted();
  const proc = options.procRoot ?? '/proc';
  if (intervalMs === 0) {
    const [up, entries] = await Promise.all([readUptime(proc), readDiskstats(`${proc}/diskstats`)]);
    const cur = findDevice(entries, device);
    const zero = {
      ...cur,
      readIos: 0,
      readMerges: 0,
      readSectors: 0,
      readTicks: 0,
      writeIos: 0,
      writeMerges: 0,
      writeSectors: 0,
      writeTicks: 0,
      ioTicks: 0,
      timeInQueue: 0,
      discardIos: 0,
      discardMerges: 0,
      discardSectors: 0,
      discardTicks: 0,
      flushIos: 0,
      flushTicks: 0,
    };
    return iostatFromSamples(zero, cur, up * 1000);
  }
  const up0 = await readUptime(proc);
  const prev = findDevice(await readDiskstats(`${proc}/diskstats`), device);
  signal?.throwIfAborted(); // an abort during the first reads finds no listener yet
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(done, intervalMs);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(t);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  const up1 = await readUptime(proc);
  const cur = findDevice(await readDiskstats(`${proc}/diskstats`), device);
  // Uptime has centisecond resolution; fall back to the requested interval if it did not move.
  const measured = (up1 - up0) * 1000;
  return iostatFromSamples(prev, cur, measured > 0 ? measured : intervalMs);
}
