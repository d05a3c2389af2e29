import { rm } from 'node:fs/promises';
import { makeTempDir } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectMode } from '../src/index.js';
import { fakeRoot } from './helpers/fake-cgroupfs.js';

// /proc/self/mounts of the hybrid test host (Debian 12, kernel 6.18), cgroup lines only.
const HYBRID_MOUNTS = `tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
cgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0
cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
`;

describe('detectMode', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('cg-mode');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a hybrid layout from mounts, skipping named hierarchies', () => {
    const layout = detectMode('/sys/fs/cgroup', { mounts: HYBRID_MOUNTS });
    expect(layout.mode).toBe('hybrid');
    expect(layout.v1.map((h) => [h.dir, h.controllers])).toEqual([
      ['/sys/fs/cgroup/cpu', ['cpu']],
      ['/sys/fs/cgroup/cpuacct', ['cpuacct']],
      ['/sys/fs/cgroup/memory', ['memory']],
    ]);
    expect(layout.v2?.dir).toBe('/sys/fs/cgroup/unified');
  });

  it('co-mounted controllers and a pure v2 mount', () => {
    const legacy = detectMode('/sys/fs/cgroup', {
      mounts: 'cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,cpu,cpuacct 0 0\n',
    });
    expect(legacy.mode).toBe('legacy');
    expect(legacy.v1[0]?.controllers).toEqual(['cpu', 'cpuacct']);
    const unified = detectMode('/sys/fs/cgroup', { mounts: 'cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate 0 0\n' });
    expect(unified.mode).toBe('unified');
    expect(unified.v1).toEqual([]);
  });

  it('falls back to the directory layout for a fake root', () => {
    fakeRoot(dir, 'hybrid', ['hugetlb']);
    const layout = detectMode(dir, { mounts: '' });
    expect(layout.mode).toBe('hybrid');
    expect(layout.v2).toEqual({ dir: `${dir}/unified`, controllers: ['hugetlb'] });
    expect(layout.v1.flatMap((h) => h.controllers).sort()).toEqual(
      ['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids'].sort(),
    );
  });

  it('detects a fake unified root and a fake legacy root', async () => {
    fakeRoot(dir, 'unified', ['cpu', 'memory', 'pids']);
    expect(detectMode(dir, { mounts: '' })).toMatchObject({
      mode: 'unified',
      v2: { controllers: ['cpu', 'memory', 'pids'] },
    });
    const legacyDir = await makeTempDir('cg-legacy');
    try {
      fakeRoot(legacyDir, 'legacy');
      expect(detectMode(legacyDir, { mounts: '' }).mode).toBe('legacy');
    } finally {
      await rm(legacyDir, { recursive: true, force: true });
    }
  });

  it('throws ERR_UNSUPPORTED when nothing is mounted', () => {
    expect(() => detectMode(dir, { mounts: '' })).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED' }));
  });
});
