import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDeviceInfo } from '../src/index.js';

describe('readDeviceInfo on a fake sysfs', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  it('reads size, queue facts and the device queue depth', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctrkit-diskperf-sys-'));
    const base = join(dir, 'class', 'block', 'sdz');
    await mkdir(join(base, 'queue'), { recursive: true });
    await mkdir(join(base, 'device'), { recursive: true });
    const files: Record<string, string> = {
      dev: '8:400',
      uevent: 'MAJOR=8\nMINOR=400\nDEVNAME=sdz\nDEVTYPE=disk\n',
      size: '46875000000',
      'queue/rotational': '1',
      'queue/scheduler': 'none [mq-deadline]',
      'queue/nr_requests': '64',
      'queue/logical_block_size': '4096',
      'device/queue_depth': '32',
    };
    for (const [k, v] of Object.entries(files)) await writeFile(join(base, k), `${v}\n`);
    expect(readDeviceInfo('/dev/sdz', { sysRoot: dir })).toEqual({
      majorMinor: '8:400',
      name: 'sdz',
      sizeBytes: 46875000000 * 512,
      rotational: true,
      scheduler: 'none [mq-deadline]',
      nrRequests: 64,
      deviceQueueDepth: 32,
      logicalBlockSize: 4096,
    });
  });
  it('throws ERR_DEVICE_NOT_FOUND for a missing or path-like name', () => {
    expect(() => readDeviceInfo('nope', { sysRoot: '/nonexistent' })).toThrow(
      expect.objectContaining({ code: 'ERR_DEVICE_NOT_FOUND' }),
    );
    expect(() => readDeviceInfo('../../etc', { sysRoot: '/nonexistent' })).toThrow(
      expect.objectContaining({ code: 'ERR_DEVICE_NOT_FOUND' }),
    );
  });
});
