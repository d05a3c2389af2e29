// xattrs on a symlink itself (trusted.* works on symlinks; user.* does not) without
// touching the target, plus the f* variants on an open fd.
import { closeSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fgetxattrSync,
  flistxattrSync,
  fremovexattrSync,
  fsetxattrSync,
  lgetxattr,
  lgetxattrSync,
  llistxattr,
  llistxattrSync,
  lremovexattr,
  lsetxattr,
  lsetxattrSync,
  XATTR,
} from '../src/index.js';

const gate = requires('root');

describe.runIf(gate.ok)('extended attributes', () => {
  let dir: string;
  let target: string;
  let link: string;

  beforeEach(async () => {
    dir = await makeTempDir('sys-xattr');
    target = join(dir, 'target');
    link = join(dir, 'link');
    writeFileSync(target, 'x');
    symlinkSync(target, link);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sets and reads an xattr on a symlink without touching its target', async () => {
    await lsetxattr(link, 'trusted.ctrkit', Buffer.from('on-the-link'));
    expect((await lgetxattr(link, 'trusted.ctrkit'))?.toString()).toBe('on-the-link');
    expect(await llistxattr(link)).toContain('trusted.ctrkit');
    expect(await lgetxattr(target, 'trusted.ctrkit')).toBeNull();
    expect(llistxattrSync(target)).not.toContain('trusted.ctrkit');
    await lremovexattr(link, 'trusted.ctrkit');
    expect(lgetxattrSync(link, 'trusted.ctrkit')).toBeNull();
  });

  it('honours XATTR.CREATE / REPLACE and round-trips binary and empty values', () => {
    const bytes = Buffer.from([0, 1, 2, 255, 0]);
    lsetxattrSync(target, 'user.bin', bytes, XATTR.CREATE);
    expect(lgetxattrSync(target, 'user.bin')).toEqual(bytes);
    expect(() => lsetxattrSync(target, 'user.bin', bytes, XATTR.CREATE)).toThrow(
      expect.objectContaining({ code: 'EEXIST', syscall: 'lsetxattr', path: target }),
    );
    expect(() => lsetxattrSync(target, 'user.none', bytes, XATTR.REPLACE)).toThrow(
      expect.objectContaining({ code: 'ENODATA' }),
    );
    lsetxattrSync(target, 'user.empty', new Uint8Array(0));
    expect(lgetxattrSync(target, 'user.empty')).toEqual(Buffer.alloc(0));
    const big = Buffer.alloc(3000, 7);
    lsetxattrSync(target, 'user.big', big);
    expect(lgetxattrSync(target, 'user.big')).toEqual(big);
    expect(llistxattrSync(target).sort()).toEqual(['user.big', 'user.bin', 'user.empty']);
  });

  it('works on an open fd with the f* calls', () => {
    const fd = openSync(target, 'r');
    try {
      fsetxattrSync(fd, 'user.fd', Buffer.from('v'));
      expect(fgetxattrSync(fd, 'user.fd')?.toString()).toBe('v');
      expect(flistxattrSync(fd)).toEqual(['user.fd']);
      fremovexattrSync(fd, 'user.fd');
      expect(fgetxattrSync(fd, 'user.fd')).toBeNull();
    } finally {
      closeSync(fd);
    }
  });

  it('reports a missing path as ENOENT with the path', async () => {
    await expect(lgetxattr(join(dir, 'missing'), 'user.a')).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: 'lgetxattr',
      path: join(dir, 'missing'),
    });
  });
});
