// The mechanical picture the simulator works on: where each sector sits (cylinder,
// surface, angle) and how long the arm takes to move. Built from a DriveSpec, or by
// hand — `ostepGeometry()` is the toy disk of OSTEP's disk.py, whose published outputs
// make exact golden vectors.
import type { DriveSpec } from './drive-spec.js';
import type { Layout } from './internal/layout.js';
import { curveOf, layoutFor } from './service-time.js';

export interface Geometry {
  readonly name: string;
  /** Cylinders, surfaces, ms per revolution and the zone table (sectors of 512 bytes). */
  readonly layout: Layout;
  /** Seek time in ms for a move of `d` cylinders (0 → 0). */
  readonly seek: (d: number) => number;
  /** Extra ms a write waits to settle after a non-zero seek. */
  readonly writeSettle: number;
  /** ms to switch surface within a cylinder. */
  readonly headSwitch: number;
  /** Angular position of the head at time 0, as a fraction of a revolution. */
  readonly initialAngle: number;
  /** Where sector k begins on its track, in sectors: (k + sectorOffset) / sectorsPerTrack of a turn. */
  readonly sectorOffset: number;
  /** Cylinder the head starts on. */
  readonly initialCylinder: number;
  /** Track skew in ms (rounded up to whole sectors): how much later each track starts than the previous one. */
  readonly trackSkew: number;
}

/** The geometry of a catalogue drive: zoned layout, fitted seek curve, write settle. */
export function geometryOf(drive: DriveSpec): Geometry {
  const curve = curveOf(drive);
  return {
    name: drive.id,
    layout: layoutFor(drive),
    seek: curve.at,
    writeSettle: Math.max(0, drive.seek.writeAvg - drive.seek.readAvg),
    headSwitch: drive.headSwitch,
    initialAngle: 0,
    sectorOffset: 0,
    initialCylinder: 0,
    // Skew covers the slower of a head switch and a one-cylinder seek, as drive formats do.
    trackSkew: Math.max(drive.headSwitch, curve.at(1)),
  };
}

/**
 * OSTEP `disk.py`'s default disk: 3 tracks of 12 sectors, 30° per sector, one degree per
 * tick (so one "ms" here is one tick and a revolution is 360), 40 ticks to move one
 * track, the head starting over the middle of sector 6. Sector k is centred at k·30°.
 */
export function ostepGeometry(options: { readonly tracks?: number; readonly seekPerTrack?: number } = {}): Geometry {
  const tracks = options.tracks ?? 3;
  const perTrack = options.seekPerTrack ?? 40;
  const spt = 12;
  return {
    name: 'ostep-disk.py',
    layout: {
      cylinders: tracks,
      heads: 1,
      revolution: 360,
      sectors: tracks * spt,
      zoneStartCyl: Int32Array.from([0, tracks]),
      zoneStartLba: Float64Array.from([0, tracks * spt]),
      sectorsPerTrack: Int32Array.from([spt]),
    },
    seek: (d) => d * perTrack,
    writeSettle: 0,
    headSwitch: 0,
    initialAngle: 0.5,
    sectorOffset: -0.5,
    initialCylinder: 0,
    trackSkew: 0, // disk.py's -o skew defaults to 0
  };
}
