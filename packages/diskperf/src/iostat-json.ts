// The disk entry of `iostat -dx -o JSON` (sysstat 12.x), so scripts written against
// iostat's JSON can read ours: the same keys, in the same order, to two decimals.
import type { IostatStats } from './iostat.js';

/** One element of iostat's `statistics[].disk[]`. */
export type IostatJsonDisk = { readonly disk_device: string } & Readonly<Record<string, number | string>>;

const round = (v: number) => Math.round(v * 100) / 100;

/** Formats stats as iostat -dx -o JSON prints a disk (sysstat 12.6 key set). */
export function toIostatJson(s: IostatStats): IostatJsonDisk {
  return {
    disk_device: s.device,
    'r/s': round(s['r/s']),
    'w/s': round(s['w/s']),
    'd/s': round(s['d/s']),
    'f/s': round(s['f/s']),
    'rkB/s': round(s['rkB/s']),
    'wkB/s': round(s['wkB/s']),
    'dkB/s': round(s['dkB/s']),
    'rrqm/s': round(s['rrqm/s']),
    'wrqm/s': round(s['wrqm/s']),
    'drqm/s': round(s['drqm/s']),
    rrqm: round(s['%rrqm']),
    wrqm: round(s['%wrqm']),
    drqm: round(s['%drqm']),
    r_await: round(s.r_await),
    w_await: round(s.w_await),
    d_await: round(s.d_await),
    f_await: round(s.f_await),
    'rareq-sz': round(s['rareq-sz']),
    'wareq-sz': round(s['wareq-sz']),
    'dareq-sz': round(s['dareq-sz']),
    'aqu-sz': round(s['aqu-sz']),
    util: round(s['%util']),
  };
}
