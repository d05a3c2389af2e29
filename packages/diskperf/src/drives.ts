// The drive catalogue, from shared/reference/diskperf.md §4.1. Printed values carry
// their source; anything a datasheet leaves out is derived by the rules below and
// listed in the drive's `derived` field, so a test can tell an oracle from an estimate.
//
// Derivation rules (used only where the datasheet is silent):
// - 7200 rpm seek: 8.5 ms read / 9.5 ms write, the Hitachi Deskstar 7K1000.C and Toshiba MG
//   typical figures; track-to-track 0.5 ms (HC310 prints 0.23/0.32, older drives ~1 ms).
// - full stroke: 1.75 × average read seek (5K320: 20/12 = 1.67; Deskstar 75GXP ≈ 1.7).
// - inner-zone rate: 0.49 × outer (Exos 10E2400 prints 266 → 130 MB/s); 8 equal zones.
// - heads: 2 per platter at the platter count typical of the capacity class.
import { type DriveInput, type DriveSource, type DriveSpec, defineDrive, type PublishedIops } from './drive-spec.js';
import { DiskperfError } from './errors.js';
import { KiB, MiB, TB } from './units.js';

const COMPILATION = true;
const SR_30TB = 'https://www.storagereview.com/fr/review/seagate-exos-m-30tb-review-hamr-ing-storage-density';

function zonesFrom(outer: number, inner = outer * 0.49, count = 8): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(outer + ((inner - outer) * i) / (count - 1)));
}

interface Entry extends Omit<DriveInput, 'zones' | 'seek' | 'derived' | 'cacheBytes' | 'queueDepth'> {
  readonly zones?: readonly number[];
  readonly outerRate?: number;
  readonly seek?: Partial<DriveInput['seek']>;
  readonly cacheBytes?: number;
  readonly queueDepth?: number;
  readonly derived?: readonly string[];
}

const SEEK_7200 = { readAvg: 8.5, writeAvg: 9.5, trackToTrack: 0.5 };

function entry(e: Entry, classSeek: typeof SEEK_7200): DriveSpec {
  const derived = new Set(e.derived ?? []);
  const seek = { ...e.seek };
  for (const k of ['readAvg', 'writeAvg', 'trackToTrack'] as const) {
    if (seek[k] === undefined) {
      seek[k] = classSeek[k];
      derived.add(`seek.${k}`);
    }
  }
  if (seek.fullStroke === undefined) {
    seek.fullStroke = Number(((seek.readAvg as number) * 1.75).toFixed(2));
    derived.add('seek.fullStroke');
  }
  let zones = e.zones;
  if (!zones) {
    zones = zonesFrom(e.outerRate as number);
    derived.add('zones (inner = 0.49 × outer)');
  }
  if (e.cacheBytes === undefined) derived.add('cacheBytes');
  return defineDrive({
    ...e,
    zones,
    seek: seek as DriveInput['seek'],
    cacheBytes: e.cacheBytes ?? MiB(256),
    queueDepth: e.queueDepth ?? 32,
    derived: [...derived],
  });
}

const src = (url: string, note: string, viaCompilation = false): DriveSource => ({
  url,
  note,
  ...(viaCompilation ? { viaCompilation } : {}),
});
const pub = (
  op: 'read' | 'write',
  depth: number,
  iops: number,
  kind: PublishedIops['kind'],
  source: string,
): PublishedIops => ({ op, ioSize: KiB(4), depth, iops, kind, source });

const entries: DriveSpec[] = [
  entry(
    {
      id: 'seagate-exos-x24',
      vendor: 'Seagate',
      model: 'Exos X24 24TB',
      capacity: TB(24),
      rpm: 7200,
      heads: 20,
      outerRate: 285e6,
      cacheBytes: MiB(512),
      derived: ['heads'],
      sources: [
        src(
          'https://www.seagate.com/ (datasheet DS2080)',
          'max sustained 285 MB/s; 4K QD16 WCD 168 R / 550 W',
          COMPILATION,
        ),
        src(SR_30TB, 'fio 4K randread, 32 outstanding: 210 IOPS (152 ms)'),
      ],
      published: [
        pub('read', 16, 168, 'datasheet', 'Seagate DS2080 (WCD)'),
        pub('read', 32, 210, 'measured', 'StorageReview'),
      ],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'seagate-exos-m-30tb',
      vendor: 'Seagate',
      model: 'Exos M 30TB (HAMR, ST30000NM004K)',
      capacity: TB(30),
      rpm: 7200,
      heads: 20,
      outerRate: 275e6,
      cacheBytes: MiB(512),
      derived: ['heads'],
      sources: [
        src(
          SR_30TB,
          'max sustained 275 MB/s; 4K QD16 WCD 170 R / 350 W; fio 205 IOPS read at 32 outstanding (155.6 ms)',
        ),
      ],
      published: [
        pub('read', 16, 170, 'datasheet', 'StorageReview spec table (WCD)'),
        pub('read', 32, 205, 'measured', 'StorageReview'),
      ],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'seagate-exos-x18',
      vendor: 'Seagate',
      model: 'Exos X18 18TB',
      capacity: TB(18),
      rpm: 7200,
      heads: 18,
      outerRate: 270e6,
      derived: ['heads'],
      sources: [src('https://www.computerbase.de/ (2022-11, Exos 2X18 article)', 'max sustained 270 MB/s')],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'seagate-exos-10e2400',
      vendor: 'Seagate',
      model: 'Exos 10E2400 2.4TB',
      capacity: TB(2.4),
      rpm: 10_000,
      heads: 8,
      zones: zonesFrom(266e6, 130e6),
      queueDepth: 128,
      cacheBytes: MiB(256),
      seek: { readAvg: 3.6, writeAvg: 4.0, trackToTrack: 0.3 },
      derived: ['heads', 'seek.readAvg', 'seek.writeAvg', 'seek.trackToTrack'],
      sources: [
        src(
          'https://www.seagate.com/ (datasheet DS1959)',
          '10 000 rpm, average latency 2.9 ms, 266 → 130 MB/s OD → ID; seek not printed (3.6/4.0 ms is a 10k-class estimate)',
          COMPILATION,
        ),
      ],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'seagate-exos-15e900',
      vendor: 'Seagate',
      model: 'Exos 15E900 900GB',
      capacity: 900e9,
      rpm: 15_000,
      heads: 6,
      outerRate: 300e6,
      queueDepth: 128,
      seek: { readAvg: 2.9, writeAvg: 3.1, trackToTrack: 0.2 },
      derived: ['heads', 'seek.readAvg', 'seek.writeAvg', 'seek.trackToTrack', 'outerRate'],
      sources: [
        src(
          'https://www.seagate.com/ (datasheet DS1958)',
          '15 000 rpm, average latency 2.0 ms; seek taken from the C15K600 (same class), rate estimated',
          COMPILATION,
        ),
      ],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'wd-ultrastar-hc580',
      vendor: 'Western Digital',
      model: 'Ultrastar DC HC580 24TB (EAMR)',
      capacity: TB(24),
      rpm: 7200,
      heads: 20,
      outerRate: 298e6,
      cacheBytes: MiB(512),
      derived: ['heads'],
      sources: [
        src(
          'https://www.westerndigital.com/ (HC580 datasheet)',
          'max sustained 298 MB/s; random read 4 KB QD32: 212 IOPS',
          COMPILATION,
        ),
      ],
      published: [pub('read', 32, 212, 'datasheet', 'WD HC580 datasheet')],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'hgst-ultrastar-he10',
      vendor: 'HGST',
      model: 'Ultrastar He10 10TB',
      capacity: TB(10),
      rpm: 7200,
      heads: 14,
      outerRate: 249e6,
      seek: { readAvg: 8.0, writeAvg: 8.6 },
      derived: ['heads', 'outerRate'],
      sources: [
        src('https://www.westerndigital.com/ (Ultrastar He10 datasheet)', 'average seek 8.0 / 8.6 ms typ', COMPILATION),
      ],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'wd-ultrastar-hc310',
      vendor: 'Western Digital',
      model: 'Ultrastar DC HC310 6TB',
      capacity: TB(6),
      rpm: 7200,
      heads: 8,
      outerRate: 255e6,
      seek: { readAvg: 7.4, writeAvg: 8.2, trackToTrack: 0.23 },
      derived: ['heads', 'outerRate'],
      sources: [
        src(
          'https://manualshive.com/en/manual/western-digital/ultrastar-dc-hc310/961649?page=23',
          'OEM spec §4.5.1: 7.4 / 8.2 ms typ (10.0 / 11.0 max); single track 0.23 / 0.32; 8.33 ms/rev',
        ),
      ],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'toshiba-mg',
      vendor: 'Toshiba',
      model: 'MG series 16TB class',
      capacity: TB(16),
      rpm: 7200,
      heads: 18,
      outerRate: 260e6,
      seek: { readAvg: 8.5, writeAvg: 9.0 },
      derived: ['capacity', 'heads'],
      sources: [
        src(
          'https://www.toshiba-storage.com/ (MG series datasheet)',
          'seek 8.5 / 8.5–9.5 ms (9.0 taken); 184–260 MB/s; average latency 4.2 ms',
          COMPILATION,
        ),
      ],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'hgst-ultrastar-c15k600',
      vendor: 'HGST',
      model: 'Ultrastar C15K600 600GB',
      capacity: 600e9,
      rpm: 15_000,
      heads: 6,
      outerRate: 233e6,
      queueDepth: 128,
      seek: { readAvg: 2.9, writeAvg: 3.1, trackToTrack: 0.2 },
      derived: ['heads', 'outerRate', 'seek.trackToTrack'],
      sources: [
        src('https://www.manualshelf.com/ (HGST C15K600 spec p.27)', 'average seek 2.9 / 3.1 ms typ (3.3 / 3.8 max)'),
      ],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'hitachi-ultrastar-15k450',
      vendor: 'Hitachi',
      model: 'Ultrastar 15K450 450GB (HUS154545VLF400)',
      capacity: 450e9,
      rpm: 15_000,
      heads: 8,
      outerRate: 171e6,
      queueDepth: 128,
      seek: { readAvg: 3.3, writeAvg: 3.8, trackToTrack: 0.2 },
      derived: ['heads', 'outerRate', 'seek.trackToTrack'],
      sources: [
        src(
          'https://manualsdump.com/en/manuals/hitachi-hus154545vlf400-hus154530vlf400/112307/27',
          'spec §4.5.1: average seek 3.3 / 3.8 ms typ (450 GB)',
        ),
      ],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'hitachi-travelstar-5k320',
      vendor: 'Hitachi',
      model: 'Travelstar 5K320 320GB (2.5")',
      capacity: 320e9,
      rpm: 5400,
      heads: 4,
      outerRate: 90e6,
      cacheBytes: MiB(8),
      seek: { readAvg: 12, writeAvg: 13, trackToTrack: 1.0, fullStroke: 20 },
      derived: ['heads', 'outerRate'],
      sources: [
        src(
          'https://manualsdump.com/en/manuals/hitachi-hts543280l9a300-hts543212l9sa00/112335/19',
          'OEM spec §4.4.2: 12 / 13 ms typ; full stroke 20 / 21; single track 1.0 / 1.1; 11.1 ms/rev, 5.5 ms latency',
        ),
      ],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'seagate-barracuda-xt-2tb',
      vendor: 'Seagate',
      model: 'Barracuda XT 2TB (ST32000641AS)',
      capacity: TB(2),
      rpm: 7200,
      heads: 8,
      outerRate: 138e6,
      cacheBytes: MiB(64),
      derived: ['heads'],
      sources: [src('https://www.motherboards.org/ (Barracuda XT review, spec table)', '138 MB/s OD')],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'seagate-barracuda-7200.14-2tb',
      vendor: 'Seagate',
      model: 'BarraCuda 7200.14 2TB (ST2000DM001)',
      capacity: TB(2),
      rpm: 7200,
      heads: 6,
      zones: zonesFrom(209e6, 103e6),
      cacheBytes: MiB(64),
      seek: { readAvg: 8.5 },
      derived: ['heads', 'zones (156 MB/s average read as the OD/ID mean)'],
      sources: [
        src(
          'https://www.itproportal.com/ (2013 preview)',
          '"average access 8.5 ms" (taken as the average seek); 156 MB/s average',
        ),
      ],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'seagate-ironwolf-pro-30tb',
      vendor: 'Seagate',
      model: 'IronWolf Pro 30TB',
      capacity: TB(30),
      rpm: 7200,
      heads: 20,
      outerRate: 287e6,
      cacheBytes: MiB(512),
      derived: ['heads', 'outerRate (measured sequential)'],
      sources: [src(SR_30TB, 'measured sequential 287 MB/s; fio 4K randread at 32 outstanding: 205 IOPS')],
      published: [pub('read', 32, 205, 'measured', 'StorageReview')],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'wd-gold-24tb',
      vendor: 'Western Digital',
      model: 'WD Gold 24TB',
      capacity: TB(24),
      rpm: 7200,
      heads: 20,
      outerRate: 283e6,
      cacheBytes: MiB(512),
      derived: ['heads', 'outerRate (measured sequential)'],
      sources: [src(SR_30TB, 'measured sequential 283 MB/s; fio 4K randread at 32 outstanding: 214 IOPS')],
      published: [pub('read', 32, 214, 'measured', 'StorageReview')],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'wd-red-pro-22tb',
      vendor: 'Western Digital',
      model: 'WD Red Pro 22TB',
      capacity: TB(22),
      rpm: 7200,
      heads: 20,
      outerRate: 271e6,
      cacheBytes: MiB(512),
      derived: ['heads', 'outerRate (measured sequential)'],
      sources: [src(SR_30TB, 'measured sequential 271 MB/s; fio 4K randread at 32 outstanding: 214 IOPS')],
      published: [pub('read', 32, 214, 'measured', 'StorageReview')],
    },
    SEEK_7200,
  ),
  entry(
    {
      id: 'wd-ultrastar-hc590',
      vendor: 'Western Digital',
      model: 'Ultrastar DC HC590 26TB',
      capacity: TB(26),
      rpm: 7200,
      heads: 22,
      outerRate: 268e6,
      cacheBytes: MiB(512),
      derived: ['heads', 'outerRate (measured sequential)'],
      sources: [src(SR_30TB, 'measured sequential 268 MB/s; fio 4K randread at 32 outstanding: 198 IOPS')],
      published: [pub('read', 32, 198, 'measured', 'StorageReview')],
    },
    SEEK_7200,
  ),
];

/** The catalogue, keyed by id. */
export const drives: Readonly<Record<string, DriveSpec>> = Object.freeze(
  Object.fromEntries(entries.map((d) => [d.id, d])),
);

/** A catalogue drive by id; throws ERR_UNKNOWN_DRIVE listing the known ids. */
export function drive(id: string): DriveSpec {
  const d = drives[id];
  if (!d)
    throw new DiskperfError(
      'ERR_UNKNOWN_DRIVE',
      `no drive '${id}' in the catalogue; known: ${Object.keys(drives).join(', ')}`,
    );
  return d;
}
