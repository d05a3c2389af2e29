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
  /** The device's own command queue depth (device/queue_depth: SCSI/SATA NCQ), when sysfs has it. */
  readonly deviceQueueDepth: number | null;
  /** Logical block size: the O_DIRECT alignment the kernel enforces. */
  readonly logicalBlockSize: number | null;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** sysfs facts for a dev_t (st_dev of a file); null off Linux or when sysfs is absent. */
export function blockDeviceInfo(dev: number, sysRoot = '/sys'): BlockDeviceInfo | null {
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | ((Math.floor(dev / 2 ** 12) & 0xfff00) >>> 0);
  return infoAt(`${sysRoot}/dev/block/${major}:${minor}`, `${major}:${minor}`);
}

/** sysfs facts for a block device by name ('vda', '/dev/sda'); null when sysfs has no such device. */
export function blockDeviceByName(device: string, sysRoot = '/sys'): BlockDeviceInfo | null {
  const name = device.startsWith('/dev/') ? device.slice(5) : device;
  if (name.includes('/') || name.includes('..')) return null;
  const mm = read(`${sysRoot}/class/block/${name}/dev`);
  return mm === null ? null : infoAt(`${sysRoot}/class/block/${name}`, mm);
}

function infoAt(base: string, majorMinor: string): BlockDeviceInfo | null {
  const uevent = read(`${base}/uevent`);
  if (uevent === null) return null;
  const name = /DEVNAME=(\S+)/.exec(uevent)?.[1] ?? majorMinor;
  // A partition keeps its queue/ in the parent disk's directory.
  const q = read(`${base}/queue/rotational`) !== null ? `${base}/queue` : `${base}/../queue`;
  const size = read(`${base}/size`);
  const rot = read(`${q}/rotational`);
  const nr = read(`${q}/nr_requests`);
  const dq = read(`${base}/device/queue_depth`) ?? read(`${base}/../device/queue_depth`);
  const lbs = read(`${q}/logical_block_size`);
  return {
    majorMinor,
    name,
    sizeBytes: size === null ? null : Number(size) * 512,
    rotational: rot === null ? null : rot === '1',
    scheduler: read(`${q}/scheduler`),
    nrRequests: nr === null ? null : Number(nr),
    deviceQueueDepth: dq === null ? null : Number(dq),
    logicalBlockSize: lbs === null ? null : Number(lbs),
  };
}
