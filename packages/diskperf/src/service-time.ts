// Per-request service time S = seek + rotational latency + transfer, IOPS = 1000 / S.
// Two inputs are accepted: a bare spec (rpm, average seek, one transfer rate) for the
// textbook calculation, and a full DriveSpec, whose fitted seek curve and zones make
// `span` (the region the workload touches) shorten seeks, as on a small test file.
import type { DriveSpec } from './drive-spec.js';
import { checkNumber, checkOneOf, DiskperfError } from './errors.js';
import { cylindersFor, layoutOf, meanInverseRate } from './internal/layout.js';
import { memo } from './internal/memo.js';
import { lbaSeekMoments } from './internal/seek-moments.js';
import { rotationalLatency } from './rotation.js';
import { seekCurve } from './seek-curve.js';

/** The textbook drive: an average seek (ms), a spindle speed and one media rate (bytes/s). */
export interface SimpleDrive {
  readonly rpm: number;
  readonly averageSeek: number;
  readonly transferRate: number;
}

export interface ServiceTimeOptions {
  /** Request size in bytes. */
  readonly size: number;
  /** @default 'random' */
  readonly pattern?: 'random' | 'sequential';
  /** @default 'read' */
  readonly op?: 'read' | 'write';
  /** Bytes of the drive the workload is spread over, from LBA 0. @default the whole drive */
  readonly span?: number;
}

/** Milliseconds per component; `total` is their sum. */
export interface ServiceTime {
  readonly seek: number;
  readonly rotation: number;
  readonly transfer: number;
  readonly total: number;
}

export const curveOf = memo((d: DriveSpec) => seekCurve(d));
export const layoutFor = memo((d: DriveSpec) => layoutOf(d));

function isDriveSpec(d: DriveSpec | SimpleDrive): d is DriveSpec {
  return 'zones' in d;
}

/**
 * Mean time for one request. Random: the mean seek between two random LBAs of the span
 * (outer zones hold more of them, so this is a little below the datasheet average) +
 * half a revolution + size / rate (each zone weighted by its share of the span). Sequential:
 * transfer only — the head is already there.
 */
export function serviceTime(drive: DriveSpec | SimpleDrive, options: ServiceTimeOptions): ServiceTime {
  const size = checkNumber('size', options.size, 0);
  const pattern = checkOneOf('pattern', options.pattern ?? 'random', ['random', 'sequential'] as const);
  const op = checkOneOf('op', options.op ?? 'read', ['read', 'write'] as const);
  checkNumber('rpm', drive.rpm, 1, 1e6);
  let seek: number;
  let transfer: number;
  if (!isDriveSpec(drive)) {
    checkNumber('averageSeek', drive.averageSeek, 0);
    checkNumber('transferRate', drive.transferRate, 1);
    if (options.span !== undefined) {
      throw new DiskperfError(
        'ERR_INVALID_ARG_VALUE',
        '"span" needs a DriveSpec (cylinders, zones, seek curve); a bare {rpm, averageSeek, transferRate} has no geometry',
      );
    }
    seek = drive.averageSeek;
    transfer = (size / drive.transferRate) * 1000;
  } else {
    const layout = layoutFor(drive);
    const capacity = layout.sectors * 512;
    const span = checkNumber('span', options.span ?? capacity, 512, capacity);
    const curve = curveOf(drive);
    const n = cylindersFor(layout, span);
    const { mean, pMove } = lbaSeekMoments(layout, curve, n);
    // Writes settle longer: the datasheet's write−read difference applies to every non-zero seek.
    seek = mean + (op === 'write' ? Math.max(0, drive.seek.writeAvg - drive.seek.readAvg) * pMove : 0);
    transfer = size * meanInverseRate(layout, span) * 1000;
  }
  if (pattern === 'sequential') return { seek: 0, rotation: 0, transfer, total: transfer };
  const rotation = rotationalLatency(drive.rpm);
  return { seek, rotation, transfer, total: seek + rotation + transfer };
}

/** Requests per second at queue depth 1: 1000 / serviceTime(...).total. */
export function iops(drive: DriveSpec | SimpleDrive, options: ServiceTimeOptions): number {
  return 1000 / serviceTime(drive, options).total;
}

/** Bytes per second at queue depth 1: iops × size. */
export function throughput(drive: DriveSpec | SimpleDrive, options: ServiceTimeOptions): number {
  return iops(drive, options) * options.size;
}
