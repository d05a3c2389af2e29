// What the kernel says about a block device's queues, recorded next to a measurement.
// None of it decides whether a device is an HDD: virtio disks report rotational=1.

import { DiskperfError } from './errors.js';
import { type BlockDeviceInfo, blockDeviceByName } from './internal/block-device.js';

/**
 * sysfs facts for `device` ('vda', '/dev/sda', a partition): size, queue/rotational,
 * scheduler, nr_requests, device/queue_depth and the logical block size.
 * Throws ERR_DEVICE_NOT_FOUND when sysfs has no such block device.
 */
export function readDeviceInfo(device: string, options: { readonly sysRoot?: string } = {}): BlockDeviceInfo {
  const info = blockDeviceByName(device, options.sysRoot);
  if (!info)
    throw new DiskperfError(
      'ERR_DEVICE_NOT_FOUND',
      `no block device '${device}' under ${options.sysRoot ?? '/sys'}/class/block; list them with lsblk`,
    );
  return info;
}
