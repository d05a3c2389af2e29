// Where a logical block lives: zoned recording packs more sectors on outer tracks, so
// LBA 0 starts at the outer edge (fastest zone) and each zone holds an equal share of
// the cylinders. Sectors are 512 bytes, as /proc/diskstats counts them.
import type { DriveSpec } from '../drive-spec.js';
import { revolutionTime } from '../rotation.js';

export const SECTOR = 512;

export interface Layout {
  readonly cylinders: number;
  readonly heads: number;
  readonly revolution: number;
  /** Total addressable sectors. */
  readonly sectors: number;
  readonly zoneStartCyl: Int32Array;
  readonly zoneStartLba: Float64Array;
  readonly sectorsPerTrack: Int32Array;
}

export function layoutOf(drive: DriveSpec): Layout {
  const Z = drive.zones.length;
  const revolution = revolutionTime(drive.rpm);
  const zoneStartCyl = new Int32Array(Z + 1);
  const zoneStartLba = new Float64Array(Z + 1);
  const sectorsPerTrack = new Int32Array(Z);
  let lba = 0;
  for (let z = 0; z < Z; z++) {
    zoneStartCyl[z] = Math.floor((z * drive.cylinders) / Z);
    zoneStartCyl[z + 1] = Math.floor(((z + 1) * drive.cylinders) / Z);
    sectorsPerTrack[z] = Math.max(1, Math.floor(((drive.zones[z] as number) * revolution) / 1000 / SECTOR));
    zoneStartLba[z] = lba;
    lba +=
      ((zoneStartCyl[z + 1] as number) - (zoneStartCyl[z] as number)) * drive.heads * (sectorsPerTrack[z] as number);
  }
  zoneStartLba[Z] = lba;
  return {
    cylinders: drive.cylinders,
    heads: drive.heads,
    revolution,
    sectors: lba,
    zoneStartCyl,
    zoneStartLba,
    sectorsPerTrack,
  };
}

/** The zone holding `lba`. */
export function zoneOf(l: Layout, lba: number): number {
  let z = 0;
  const Z = l.sectorsPerTrack.length;
  while (z < Z - 1 && lba >= (l.zoneStartLba[z + 1] as number)) z++;
  return z;
}

/** Bytes/s at zone z as the layout rounds it (whole sectors per track). */
export function zoneRate(l: Layout, z: number): number {
  return ((l.sectorsPerTrack[z] as number) * SECTOR * 1000) / l.revolution;
}

/** Number of cylinders that the first `bytes` of the drive occupy. */
export function cylindersFor(l: Layout, bytes: number): number {
  const last = Math.min(l.sectors, Math.max(1, Math.ceil(bytes / SECTOR))) - 1;
  const z = zoneOf(l, last);
  const perCyl = (l.sectorsPerTrack[z] as number) * l.heads;
  return (l.zoneStartCyl[z] as number) + Math.floor((last - (l.zoneStartLba[z] as number)) / perCyl) + 1;
}

/** Capacity-weighted mean of 1/rate over the first `bytes` (s/byte): what a uniform random request sees. */
export function meanInverseRate(l: Layout, bytes: number): number {
  const end = Math.min(l.sectors, Math.max(1, bytes / SECTOR));
  let acc = 0;
  for (let z = 0; z < l.sectorsPerTrack.length; z++) {
    const a = l.zoneStartLba[z] as number;
    const b = Math.min(end, l.zoneStartLba[z + 1] as number);
    if (b > a) acc += (b - a) / zoneRate(l, z);
  }
  return acc / end;
}
