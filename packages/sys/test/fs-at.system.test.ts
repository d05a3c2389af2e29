// openat2 containment and the *at family on a real filesystem.
import { closeSync, fstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AT,
  fchmodatSync,
  fchownatSync,
  fstatatSync,
  isSysError,
  linkatSync,
  makedev,
  mkdiratSync,
  mknodatSync,
  O,
  openat2,
  openat2Sync,
  openatSync,
  openRoot,
  RENAME,
  RESOLVE,
  readlinkatSync,
  renameat2Sync,
  S,
  SyscallError,
  symlinkatSync,
  syncfs,
  unlinkatSync,
  utimensatSync,
} from '../src/index.js';

const gate = requires('root', 'openat2');

describe.runIf(gate.ok)('openat2 and the *at family', () => {
  let dir: string;
  let root: string;
  let rootFd: number;
  const fds: number[] = [];
  const track = (fd: number) => {
    fds.push(fd);
    return fd;
  };

  beforeEach(async () => {
    dir = await makeTempDir('sys-at');
    root = join(dir, 'root');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/passwd'), 'inside\n');
    rootFd = track(openRoot(root));
  });

  afterEach(async () => {
    for (const fd of fds.splice(0)) closeSync(fd);
    await rm(dir, { recursive: true, force: true });
  });

  it('RESOLVE_IN_ROOT keeps ../../etc/passwd inside the root', async () => {
    const fd = track(await openat2(rootFd, '../../../../etc/passwd', O.RDONLY, 0, RESOLVE.IN_ROOT));
    expect(readFileSync(fd, 'utf8')).toBe('inside\n');
  });

  it('RESOLVE_IN_ROOT resolves an absolute symlink against the root', () => {
    symlinkSync('/etc/passwd', join(root, 'link'));
    const fd = track(openat2Sync(rootFd, 'link', O.RDONLY, 0, RESOLVE.IN_ROOT));
    expect(readFileSync(fd, 'utf8')).toBe('inside\n');
    // Without containment the same link leaves the root: that is the hazard being fenced.
    const escaped = track(openatSync(rootFd, 'link', O.RDONLY));
    expect(readFileSync(escaped, 'utf8')).not.toBe('inside\n');
  });

  it('RESOLVE_BENEATH and NO_SYMLINKS refuse instead of rewriting', () => {
    symlinkSync('/etc/passwd', join(root, 'abs'));
    expect(() => openat2Sync(rootFd, '../x', O.RDONLY, 0, RESOLVE.BENEATH)).toThrow(
      expect.objectContaining({ code: 'EXDEV', syscall: 'openat2', path: '../x', errno: -18 }),
    );
    expect(() => openat2Sync(rootFd, 'abs', O.RDONLY, 0, RESOLVE.NO_SYMLINKS)).toThrow(
      expect.objectContaining({ code: 'ELOOP' }),
    );
    expect(() => openat2Sync(AT.FDCWD, '/proc/self/exe', O.PATH, 0, RESOLVE.NO_MAGICLINKS)).toThrow(
      expect.objectContaining({ code: 'ELOOP' }),
    );
  });

  it('returns O_CLOEXEC fds usable with node:fs, and errors shaped like SystemError', async () => {
    const fd = track(openat2Sync(rootFd, 'etc/new', O.WRONLY | O.CREAT | O.EXCL, 0o640, RESOLVE.IN_ROOT));
    writeSync(fd, 'data');
    expect(fstatSync(fd).mode & 0o777).toBe(0o640);
    const flags = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/flags:\s+(\d+)/)?.[1] ?? '0';
    expect(Number.parseInt(flags, 8) & O.CLOEXEC).toBe(O.CLOEXEC);
    const err = await openat2(rootFd, 'etc/missing', O.RDONLY, 0, RESOLVE.IN_ROOT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyscallError);
    expect(isSysError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'ENOENT', errno: -2, syscall: 'openat2', path: 'etc/missing' });
    expect((err as Error).message).toBe("ENOENT: no such file or directory, openat2 'etc/missing'");
  });

  it('creates, links, renames, stats and removes entries relative to the root', () => {
    mkdiratSync(rootFd, 'd', 0o750);
    symlinkatSync('../etc/passwd', rootFd, 'd/rel');
    expect(readlinkatSync(rootFd, 'd/rel')).toBe('../etc/passwd');
    linkatSync(rootFd, 'etc/passwd', rootFd, 'd/hard', 0);
    const st = fstatatSync(rootFd, 'd/hard', 0);
    expect(st.nlink).toBe(2n);
    expect(st.mode & BigInt(S.IFMT)).toBe(BigInt(S.IFREG));
    expect(fstatatSync(rootFd, 'd/rel', AT.SYMLINK_NOFOLLOW).mode & BigInt(S.IFMT)).toBe(BigInt(S.IFLNK));
    expect(fstatatSync(rootFd, '', AT.EMPTY_PATH).mode & BigInt(S.IFMT)).toBe(BigInt(S.IFDIR));

    expect(() => renameat2Sync(rootFd, 'd/hard', rootFd, 'etc/passwd', RENAME.NOREPLACE)).toThrow(
      expect.objectContaining({ code: 'EEXIST', path: 'd/hard', dest: 'etc/passwd' }),
    );
    renameat2Sync(rootFd, 'd/hard', rootFd, 'd/moved', 0);
    fchmodatSync(rootFd, 'd/moved', 0o600, 0);
    expect(fstatatSync(rootFd, 'd/moved', 0).mode & 0o777n).toBe(0o600n);

    utimensatSync(rootFd, 'd/moved', { sec: 1000, nsec: 5 }, 2_000_000_000_123n, 0);
    const t = fstatatSync(rootFd, 'd/moved', 0);
    expect(t.atimeNs).toBe(1_000_000_000_005n);
    expect(t.mtimeNs).toBe(2_000_000_000_123n);

    unlinkatSync(rootFd, 'd/moved', 0);
    unlinkatSync(rootFd, 'd/rel', 0);
    expect(() => unlinkatSync(rootFd, 'd', 0)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    unlinkatSync(rootFd, 'd', AT.REMOVEDIR);
    expect(() => fstatatSync(rootFd, 'd', 0)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('makes device nodes and changes owners relative to the root, links included', () => {
    mknodatSync(rootFd, 'etc/wh', S.IFCHR | 0o000, makedev(0, 0));
    const wh = fstatatSync(rootFd, 'etc/wh', 0);
    expect(wh.mode & BigInt(S.IFMT)).toBe(BigInt(S.IFCHR));
    expect(wh.rdev).toBe(0n);
    mknodatSync(rootFd, 'etc/fifo', S.IFIFO | 0o600, 0);
    expect(fstatatSync(rootFd, 'etc/fifo', 0).mode & BigInt(S.IFMT)).toBe(BigInt(S.IFIFO));

    symlinkatSync('passwd', rootFd, 'etc/ln');
    fchownatSync(rootFd, 'etc/ln', 1234, 4321, AT.SYMLINK_NOFOLLOW);
    const link = fstatatSync(rootFd, 'etc/ln', AT.SYMLINK_NOFOLLOW);
    expect([link.uid, link.gid]).toEqual([1234n, 4321n]);
    const target = fstatatSync(rootFd, 'etc/passwd', 0);
    expect([target.uid, target.gid]).toEqual([0n, 0n]); // the link's target is untouched
    fchownatSync(rootFd, 'etc/passwd', 7, -1, 0); // -1 keeps the group
    expect(fstatatSync(rootFd, 'etc/passwd', 0).uid).toBe(7n);
    expect(() => mknodatSync(rootFd, 'etc/wh', S.IFCHR, 0)).toThrow(
      expect.objectContaining({ code: 'EEXIST', syscall: 'mknodat', path: 'etc/wh' }),
    );
  });

  it('syncfs flushes the filesystem of an fd (not an O_PATH one)', async () => {
    const dirFd = track(openatSync(rootFd, '.', O.RDONLY | O.DIRECTORY));
    await expect(syncfs(dirFd)).resolves.toBeUndefined();
    await expect(syncfs(rootFd)).rejects.toMatchObject({ code: 'EBADF', syscall: 'syncfs' });
    await expect(syncfs(999_999)).rejects.toMatchObject({ code: 'EBADF', syscall: 'syncfs' });
  });
});
