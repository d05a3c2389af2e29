// /proc/diskstats (Documentation/admin-guide/iostats.rst): "major minor name" then 11,
// 15 or 17 counters depending on the kernel (4.18 added discards, 5.5 flushes). Parsed
// by position. Sectors are always 512 bytes whatever the device's block size.
import { readFile } from 'node:fs/promises';
import { DiskperfError } from './errors.js';

export interface DiskstatsEntry {
  readonly major: number;
  readonly minor: number;
  readonly name: string;
  readonly readIos: number;
  readonly readMerges: number;
  readonly readSectors: number;
  readonly readTicks: number;
  readonly writeIos: number;
  readonly writeMerges: number;
  readonly writeSectors: number;
  readonly writeTicks: number;
  /** The only non-cumulative field: requests in flight now. */
  readonly inFlight: number;
  /** ms with at least one request in flight (the basis of %util). */
  readonly ioTicks: number;
  /** Weighted ms (the basis of aqu-sz). */
  readonly timeInQueue: number;
  readonly discardIos: number;
  readonly discardMerges: number;
  readonly discardSectors: number;
  readonly discardTicks: number;
  readonly flushIos: number;
  readonly flushTicks: number;
  /** How many counters the line had (11, 15 or 17). */
  readonly fields: number;
}

const NAMES = [
  'readIos',
  'readMerges',
  'readSectors',
  'readTicks',
  'writeIos',
  'writeMerges',
  'writeSectors',
  'writeTicks',
  'inFlight',
  'ioTicks',
  'timeInQueue',
  'discardIos',
  'discardMerges',
  'discardSectors',
  'discardTicks',
  'flushIos',
  'flushTicks',
] as const;

/** Parses the text of /proc/diskstats; throws ERR_DISKSTATS_PARSE naming the bad line. */
export function parseDiskstats(text: string): DiskstatsEntry[] {
  const out: DiskstatsEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    const tok = line.split(/\s+/);
    const fields = tok.length - 3;
    if (fields !== 11 && fields !== 15 && fields !== 17) {
      throw new DiskperfError(
        'ERR_DISKSTATS_PARSE',
        `diskstats line ${i + 1}: expected 14, 18 or 20 columns (major minor name + 11/15/17 counters), got ${tok.length}: "${line}"`,
      );
    }
    const nums = tok.map((t, k) => (k === 2 ? 0 : Number(t)));
    if (nums.some((n, k) => k !== 2 && !(Number.isInteger(n) && n >= 0))) {
      throw new DiskperfError(
        'ERR_DISKSTATS_PARSE',
        `diskstats line ${i + 1}: a counter is not a non-negative integer: "${line}"`,
      );
    }
    const e: Record<string, number | string> = {
      major: nums[0] as number,
      minor: nums[1] as number,
      name: tok[2] as string,
      fields,
    };
    NAMES.forEach((n, k) => {
      e[n] = k < fields ? (nums[k + 3] as number) : 0;
    });
    out.push(e as unknown as DiskstatsEntry);
  }
  return out;
}

/** Reads and parses /proc/diskstats (or another file in its format). */
export async function readDiskstats(path = '/proc/diskstats'): Promise<DiskstatsEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new DiskperfError('ERR_UNSUPPORTED', `cannot read ${path}: diskstats sampling needs Linux's /proc`, {
      cause,
    });
  }
  return parseDiskstats(text);
}

/** The entry for a device by name ('vda'), 'major:minor' or a /dev path; ERR_DEVICE_NOT_FOUND lists the names. */
export function findDevice(entries: readonly DiskstatsEntry[], device: string): DiskstatsEntry {
  const name = device.startsWith('/dev/') ? device.slice(5) : device;
  const hit = entries.find((e) => e.name === name || `${e.major}:${e.minor}` === name);
  if (!hit) {
    throw new DiskperfError(
      'ERR_DEVICE_NOT_FOUND',
      `no block device '${device}' in diskstats; present: ${entries.map((e) => e.name).join(', ')}`,
    );
  }
  return hit;
}
