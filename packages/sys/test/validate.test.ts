// Argument validation happens in JS, before the addon is even loaded: these tests need
// no root and no kernel feature, and check Node's own error codes.
import { describe, expect, it } from 'vitest';
import {
  fstatatSync,
  lgetxattr,
  lsetxattrSync,
  major,
  makedev,
  minor,
  mknodSync,
  mount,
  openat2Sync,
  openRoot,
  syncfs,
  umountSync,
  utimensatSync,
} from '../src/index.js';

describe('argument validation', () => {
  it('rejects a non-string path with ERR_INVALID_ARG_TYPE', () => {
    expect(() => openRoot(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => mknodSync(undefined as unknown as string, 0, 0)).toThrow(TypeError);
  });

  it('rejects empty paths and paths with NUL bytes with ERR_INVALID_ARG_VALUE', () => {
    expect(() => openRoot('')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => umountSync('/mnt\0/x')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('rejects bad descriptors and flags with ERR_OUT_OF_RANGE', () => {
    expect(() => openat2Sync(-5, 'x', 0, 0, 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => openat2Sync(3, 'x', 1.5, 0, 0)).toThrow(RangeError);
    expect(() => fstatatSync(3, 'x', -1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });

  it('validates before returning a promise (sync throw, nothing queued)', () => {
    expect(() => mount(null, 7 as unknown as string, 'tmpfs', 0)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
      }),
    );
    expect(() => syncfs(-1)).toThrow(RangeError);
    expect(() => lgetxattr('/x', '')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('requires a Uint8Array xattr value', () => {
    expect(() => lsetxattrSync('/x', 'user.a', 'text' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('checks timespec shapes', () => {
    expect(() => utimensatSync(3, 'x', { sec: 1, nsec: 2e9 }, 0n, 0)).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => utimensatSync(3, 'x', 'now' as unknown as bigint, 0n, 0)).toThrow(TypeError);
  });
});

describe('makedev / major / minor', () => {
  it('encodes like glibc', () => {
    expect(makedev(0, 0)).toBe(0);
    expect(makedev(1, 3)).toBe(0x103); // /dev/null
    expect(makedev(8, 17)).toBe(0x811); // /dev/sdb1
    expect(makedev(259, 0x12345)).toBe((0x12345 & 0xff) | ((0x12345 & ~0xff) << 12) | (259 << 8));
  });

  it('round-trips through major and minor', () => {
    for (const [ma, mi] of [
      [0, 0],
      [1, 3],
      [4095, 255],
      [4096, 1 << 20],
      [0xfffff, 0xfffff],
    ] as const) {
      const dev = makedev(ma, mi);
      expect([major(dev), minor(dev)]).toEqual([ma, mi]);
    }
  });

  it('rejects negative and fractional numbers', () => {
    expect(() => makedev(-1, 0)).toThrow(RangeError);
    expect(() => makedev(1, 0.5)).toThrow(RangeError);
  });
});

describe('namespace and socket argument validation', () => {
  it('rejects netns names that are not a single path component', async () => {
    const { createNetns, createNetnsFdSync, deleteNetns } = await import('../src/index.js');
    for (const bad of ['', '.', '..', 'a/b', 'x\0y', 'n'.repeat(256)]) {
      expect(() => deleteNetns(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
      expect(() => createNetnsFdSync(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
      await expect(createNetns(bad)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    }
    await expect(createNetns(7 as unknown as string)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('checks namespace refs, kinds, protocols and socket paths', async () => {
    const {
      createNamespaceFd,
      createNamespaceFdSync,
      currentNamespace,
      openInNamespace,
      openNetlinkSocket,
      openNetlinkSocketSync,
      unixConnect,
      pidfdOpen,
      alignedBuffer,
    } = await import('../src/index.js');
    expect(() => openInNamespace({} as unknown as string, '/x', 0)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => createNamespaceFd('user' as 'net')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => createNamespaceFdSync('user' as 'net')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => openNetlinkSocketSync(99)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => openNetlinkSocketSync(0, { netns: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => currentNamespace('../x')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    await expect(openNetlinkSocket(99)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(openNetlinkSocket(0, { netns: -1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    expect(() => unixConnect(`/${'s'.repeat(110)}`)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => pidfdOpen(0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => alignedBuffer(64, 48)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});
