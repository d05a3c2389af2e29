// What sysfs says about the block device under a file: recorded with every probe, never
// used to decide "this is an HDD" (virtio disks report rotational=1).
import { readFileSync } from 'node:fs';

export interface BlockDeviceInfo {
  readonly majorMinor: string;
  readonly name: string;
  readonly sizeBytes: number | null;
  readonly rotational: boolean | null;
  readonly scheduler: string | null;
  readonly nrRequests: number | null;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** sysfs facts for a dev_t (st_dev of a file); null off Linux or when sysfs is absent. */
export function blockDeviceInfo(dev: number): BlockDeviceInfo | null {
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | ((Math.floor(dev / 2 ** 12) & 0xfff00) >>> 0);
  const base = `/sys/dev/block/${major}:${minor}`;
  const uevent = read(`${base}/uevent`);
  if (uevent === null) return null;
  const name = /DEVNAME=(\S+)/.exec(uevent)?.[1] ?? `${major}:${minor}`;
  // A partition keeps its queue/ in the parent disk's directory.
  const q = read(`${base}/queue/rotational`) !== null ? `${base}/queue` : `${base}/../queue`;
  const size = read(`${base}/size`);
  const rot = read(`${q}/rotational`);
  const nr = read(`${q}/nr_requests`);
  return {
    majorMinor: `${major}:${minor}`,
    name,
    sizeBytes: size === null ? null : Number(size) * 512,
    rotational: rot === null ? null : rot === '1',
    scheduler: read(`${q}/scheduler`),
    nrRequests: nr === null ? null : Number(nr),
  };
}
