import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGroup, parsePasswd, resolveUser, resolveUserFrom } from '../src/index.js';

const root = join(import.meta.dirname, 'fixtures/userdb');

describe('parsePasswd / parseGroup', () => {
  it('skips comments and malformed lines', async () => {
    const { readFile } = await import('node:fs/promises');
    const p = parsePasswd(await readFile(join(root, 'etc/passwd'), 'utf8'));
    expect(p.map((e) => e.name)).toEqual(['root', 'daemon', 'app', 'nobody']);
    expect(p[2]).toEqual({ name: 'app', uid: 1000, gid: 1000, home: '/home/app', shell: '/bin/sh' });
    const g = parseGroup(await readFile(join(root, 'etc/group'), 'utf8'));
    expect(g.find((x) => x.name === 'extra')).toEqual({ name: 'extra', gid: 1001, members: ['app', 'other'] });
  });
});

describe('resolveUser against fixture passwd/group', () => {
  it.each([
    ['', { uid: 0, gid: 0, additionalGids: [0], username: 'root', home: '/root' }],
    ['root', { uid: 0, gid: 0, additionalGids: [0], username: 'root', home: '/root' }],
    ['app', { uid: 1000, gid: 1000, additionalGids: [1000, 5, 1001], username: 'app', home: '/home/app' }],
    ['1000', { uid: 1000, gid: 1000, additionalGids: [1000, 5, 1001], username: 'app', home: '/home/app' }],
    ['1000:29', { uid: 1000, gid: 29, additionalGids: [29, 5, 1001], username: 'app', home: '/home/app' }],
    ['app:extra', { uid: 1000, gid: 1001, additionalGids: [1001, 5], username: 'app', home: '/home/app' }],
    ['4242', { uid: 4242, gid: 0, additionalGids: [0], home: '/' }],
    ['4242:4243', { uid: 4242, gid: 4243, additionalGids: [4243], home: '/' }],
  ])('%j', async (user, expected) => {
    expect(await resolveUser(root, user)).toEqual(expected);
  });

  it('an unknown user name is ERR_USER_NOT_FOUND', async () => {
    await expect(resolveUser(root, 'ghost')).rejects.toMatchObject({ code: 'ERR_USER_NOT_FOUND', message: /ghost/ });
  });

  it('an unknown group name is ERR_USER_NOT_FOUND', async () => {
    await expect(resolveUser(root, 'app:ghosts')).rejects.toMatchObject({
      code: 'ERR_USER_NOT_FOUND',
      message: /ghosts/,
    });
  });

  it('a rootfs without /etc/passwd still resolves numeric ids', async () => {
    expect(resolveUserFrom('7:8', [], [])).toEqual({ uid: 7, gid: 8, additionalGids: [8], home: '/' });
  });

  it('follows an absolute /etc/passwd symlink inside the rootfs, never on the host', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctrkit-rt-user-'));
    try {
      await mkdir(join(dir, 'etc'));
      await mkdir(join(dir, 'data'));
      await writeFile(join(dir, 'data/passwd'), 'svc:x:321:322::/srv:/bin/sh\n');
      await symlink('/data/passwd', join(dir, 'etc/passwd'));
      // ../../.. would climb out on the host; inside the root it stops at "/" and finds /data/group.
      await writeFile(join(dir, 'data/group'), 'wheel:x:10:svc\n');
      await symlink('../../../../../data/group', join(dir, 'etc/group'));
      expect(await resolveUser(dir, 'svc')).toEqual({
        uid: 321,
        gid: 322,
        additionalGids: [322, 10],
        username: 'svc',
        home: '/srv',
      });
      // The host's /etc/passwd has "root"; the rootfs has none, so a name lookup fails.
      await expect(resolveUser(dir, 'root')).rejects.toMatchObject({ code: 'ERR_USER_NOT_FOUND' });
      // A link to itself is a loop, as the kernel would say.
      await rm(join(dir, 'etc/group'));
      await symlink('../etc/group', join(dir, 'etc/group'));
      await expect(resolveUser(dir, 'svc')).rejects.toMatchObject({ code: 'ELOOP' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
