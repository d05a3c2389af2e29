// The drive description every model and the simulator work from. Units: bytes,
// bytes/s and ms. Fields a datasheet does not print are derived, and the drive says
// which ones in `derived`, so a reader can tell a published number from an estimate.
import { inspect } from 'node:util';
import { checkInteger, checkNumber, DiskperfError } from './errors.js';
import { revolutionTime } from './rotation.js';

/** Where a drive's numbers come from. */
export interface DriveSource {
  readonly url: string;
  /** What was read there (section, table) and whether values are typ or max. */
  readonly note: string;
  /** The value was read from a third-party compilation of the datasheet, not the vendor PDF. */
  readonly viaCompilation?: boolean;
}

/** A published or independently measured random-I/O figure, used as a test oracle. */
export interface PublishedIops {
  readonly op: 'read' | 'write';
  readonly ioSize: number;
  /** Requests outstanding in total. */
  readonly depth: number;
  readonly iops: number;
  /** 'datasheet' (vendor, usually write cache disabled) or 'measured' (an independent fio run). */
  readonly kind: 'datasheet' | 'measured';
  readonly source: string;
}

export interface SeekSpec {
  /** Average read seek in ms (datasheet "weighted average of all possible seek combinations"). */
  readonly readAvg: number;
  /** Average write seek in ms (writes settle longer). */
  readonly writeAvg: number;
  /** Single-track (track-to-track) seek in ms. */
  readonly trackToTrack: number;
  /** Full-stroke seek in ms. */
  readonly fullStroke: number;
}

export interface DriveSpec {
  /** Short stable key, e.g. 'hgst-5k320'. */
  readonly id: string;
  readonly vendor: string;
  readonly model: string;
  /** Capacity in bytes (decimal, as printed). */
  readonly capacity: number;
  readonly rpm: number;
  readonly seek: SeekSpec;
  /** Recording surfaces (heads). */
  readonly heads: number;
  /** Cylinders (tracks per surface). */
  readonly cylinders: number;
  /** Media transfer rates in bytes/s, outer zone first; zones have equal cylinder counts. */
  readonly zones: readonly number[];
  /** Head switch in ms (same cylinder, other surface). */
  readonly headSwitch: number;
  readonly cacheBytes: number;
  /** Command queue depth the interface allows (NCQ 32, SAS 128…). */
  readonly queueDepth: number;
  readonly sources: readonly DriveSource[];
  /** Names of fields that are estimates, not printed values (e.g. 'cylinders', 'seek.fullStroke'). */
  readonly derived: readonly string[];
  readonly published: readonly PublishedIops[];
}

/** Input to defineDrive: cylinders and headSwitch may be left out and are then derived. */
export type DriveInput = Omit<DriveSpec, 'cylinders' | 'headSwitch' | 'published' | 'derived'> & {
  readonly cylinders?: number;
  readonly headSwitch?: number;
  readonly published?: readonly PublishedIops[];
  readonly derived?: readonly string[];
};

/**
 * Validates a drive and fills in what a datasheet leaves out: the cylinder count from
 * capacity = cylinders × heads × mean bytes per track (one revolution at each zone's
 * rate), and the head switch (taken as the track-to-track time).
 */
export function defineDrive(input: DriveInput): DriveSpec {
  const where = `drive '${input.id}'`;
  checkNumber(`${where}.capacity`, input.capacity, 1);
  checkNumber(`${where}.rpm`, input.rpm, 1, 1e6);
  checkInteger(`${where}.heads`, input.heads, 1, 1024);
  const { readAvg, writeAvg, trackToTrack, fullStroke } = input.seek;
  for (const [k, v] of Object.entries({ readAvg, writeAvg, trackToTrack, fullStroke })) {
    checkNumber(`${where}.seek.${k}`, v, 0, 1e4);
  }
  if (!(trackToTrack <= readAvg && readAvg <= fullStroke)) {
    throw new DiskperfError(
      'ERR_INVALID_ARG_VALUE',
      `${where}: seek times must satisfy trackToTrack ≤ readAvg ≤ fullStroke, got ${trackToTrack} / ${readAvg} / ${fullStroke} ms`,
    );
  }
  if (input.zones.length === 0) {
    throw new DiskperfError(
      'ERR_INVALID_ARG_VALUE',
      `${where}.zones must list at least one transfer rate (bytes/s, outer first)`,
    );
  }
  input.zones.forEach((r, i) => {
    checkNumber(`${where}.zones[${i}]`, r, 1);
  });
  const derived = new Set(input.derived ?? []);
  let cylinders = input.cylinders;
  if (cylinders === undefined) {
    const rev = revolutionTime(input.rpm) / 1000;
    const meanTrackBytes = input.zones.reduce((s, r) => s + r * rev, 0) / input.zones.length;
    cylinders = Math.max(input.zones.length, Math.round(input.capacity / (input.heads * meanTrackBytes)));
    derived.add('cylinders');
  }
  checkInteger(`${where}.cylinders`, cylinders, input.zones.length);
  const headSwitch = input.headSwitch ?? trackToTrack;
  if (input.headSwitch === undefined) derived.add('headSwitch');
  return new Drive({ ...input, cylinders, headSwitch, published: input.published ?? [], derived: [...derived] });
}

class Drive implements DriveSpec {
  readonly id!: string;
  readonly vendor!: string;
  readonly model!: string;
  readonly capacity!: number;
  readonly rpm!: number;
  readonly seek!: SeekSpec;
  readonly heads!: number;
  readonly cylinders!: number;
  readonly zones!: readonly number[];
  readonly headSwitch!: number;
  readonly cacheBytes!: number;
  readonly queueDepth!: number;
  readonly sources!: readonly DriveSource[];
  readonly derived!: readonly string[];
  readonly published!: readonly PublishedIops[];

  constructor(spec: DriveSpec) {
    Object.assign(this, spec);
    Object.freeze(this);
  }

  [inspect.custom](): string {
    const tb = (this.capacity / 1e12).toFixed(this.capacity >= 1e12 ? 0 : 2);
    const rates = `${Math.round((this.zones[0] ?? 0) / 1e6)}→${Math.round((this.zones[this.zones.length - 1] ?? 0) / 1e6)} MB/s`;
    return `Drive<${this.vendor} ${this.model} ${tb} TB, ${this.rpm} rpm, seek ${this.seek.readAvg}/${this.seek.writeAvg} ms, ${rates}, ${this.cylinders} cyl × ${this.heads} heads${this.derived.length ? `; derived: ${this.derived.join(', ')}` : ''}>`;
  }
}
