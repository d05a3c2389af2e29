import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImageConfig, type SpecOptions, specFromImage } from '../src/index.js';

const rootfs = join(import.meta.dirname, 'fixtures/userdb');
const base: SpecOptions = { rootfs, cgroupsPath: '/ctrkit/test' };

const image: ImageConfig = {
  config: {
    User: 'app',
    Env: ['PATH=/usr/bin:/bin', 'LANG=C.UTF-8', 'MODE=image'],
    Entrypoint: ['/entry.sh'],
    Cmd: ['serve', '--port', '80'],
    WorkingDir: '/srv',
    Labels: { 'org.example.role': 'web' },
  },
};

describe('specFromImage: image config × options → spec', () => {
  const table: [string, ImageConfig, Partial<SpecOptions>, (s: Awaited<ReturnType<typeof specFromImage>>) => void][] = [
    ['Entrypoint + Cmd', image, {}, (s) => expect(s.process?.args).toEqual(['/entry.sh', 'serve', '--port', '80'])],
    [
      'cmd override keeps Entrypoint',
      image,
      { cmd: ['check'] },
      (s) => expect(s.process?.args).toEqual(['/entry.sh', 'check']),
    ],
    [
      'entrypoint override drops Cmd',
      image,
      { entrypoint: ['/bin/sh'] },
      (s) => expect(s.process?.args).toEqual(['/bin/sh']),
    ],
    ['args replace both', image, { args: ['true'] }, (s) => expect(s.process?.args).toEqual(['true'])],
    [
      'env merged, option wins by key, HOME from passwd',
      image,
      { env: { MODE: 'opt', NEW: 'x' } },
      (s) =>
        expect(s.process?.env).toEqual(['PATH=/usr/bin:/bin', 'LANG=C.UTF-8', 'MODE=opt', 'NEW=x', 'HOME=/home/app']),
    ],
    [
      'env as KEY=value list',
      { config: { Cmd: ['x'] } },
      { env: ['A=1', 'B=two=2'] },
      (s) =>
        expect(s.process?.env).toEqual([
          'A=1',
          'B=two=2',
          'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          'HOME=/root',
        ]),
    ],
    ['WorkingDir', image, {}, (s) => expect(s.process?.cwd).toBe('/srv')],
    ['cwd override', image, { cwd: '/tmp' }, (s) => expect(s.process?.cwd).toBe('/tmp')],
    ['no WorkingDir means /', { config: { Cmd: ['x'] } }, {}, (s) => expect(s.process?.cwd).toBe('/')],
    [
      'User resolved with supplementary groups',
      image,
      {},
      (s) => expect(s.process?.user).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000, 5, 1001] }),
    ],
    [
      'user override uid:gid',
      image,
      { user: '0:0' },
      (s) => expect(s.process?.user).toEqual({ uid: 0, gid: 0, additionalGids: [0] }),
    ],
    [
      'extra additionalGids',
      image,
      { additionalGids: [44, 1001] },
      (s) => expect(s.process?.user.additionalGids).toEqual([1000, 5, 1001, 44]),
    ],
    ['hostname', image, { hostname: 'web-1' }, (s) => expect(s.hostname).toBe('web-1')],
    [
      'rootfs readonly',
      image,
      { readonlyRootfs: true },
      (s) => expect(s.root).toEqual({ path: rootfs, readonly: true }),
    ],
    [
      'terminal adds TERM',
      image,
      { terminal: true },
      (s) => {
        expect(s.process?.terminal).toBe(true);
        expect(s.process?.env).toContain('TERM=xterm');
      },
    ],
    [
      'runc spec namespaces by default',
      image,
      {},
      (s) =>
        expect(s.linux?.namespaces).toEqual([
          { type: 'pid' },
          { type: 'network' },
          { type: 'ipc' },
          { type: 'uts' },
          { type: 'mount' },
        ]),
    ],
    [
      'join a network namespace by path, share the host pid namespace',
      image,
      { namespaces: { network: '/run/netns/blue', pid: false } },
      (s) =>
        expect(s.linux?.namespaces).toEqual([
          { type: 'network', path: '/run/netns/blue' },
          { type: 'ipc' },
          { type: 'uts' },
          { type: 'mount' },
        ]),
    ],
    [
      'host network binds /sys instead of a fresh sysfs',
      image,
      { namespaces: { network: false } },
      (s) => expect(s.mounts?.find((m) => m.destination === '/sys')?.type).toBe('none'),
    ],
    [
      'default mounts, then extra mounts; same destination replaces',
      image,
      {
        mounts: [
          { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind', 'ro'] },
          { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['size=1m'] },
        ],
      },
      (s) =>
        expect(s.mounts?.map((m) => m.destination)).toEqual([
          '/proc',
          '/dev',
          '/dev/pts',
          '/dev/mqueue',
          '/sys',
          '/sys/fs/cgroup',
          '/data',
          '/dev/shm',
        ]),
    ],
    [
      'resources and cgroupsPath',
      image,
      { resources: { memory: { limit: 33554432 }, pids: { limit: 32 } } },
      (s) => {
        expect(s.linux?.cgroupsPath).toBe('/ctrkit/test');
        expect(s.linux?.resources).toEqual({
          devices: [{ allow: false, access: 'rwm' }],
          memory: { limit: 33554432 },
          pids: { limit: 32 },
        });
      },
    ],
    [
      'labels become annotations',
      image,
      { annotations: { a: 'b' } },
      (s) => expect(s.annotations).toEqual({ 'org.example.role': 'web', a: 'b' }),
    ],
    [
      'hooks pass through',
      image,
      { hooks: { poststop: [{ path: '/bin/cleanup', args: ['cleanup'], timeout: 5 }] } },
      (s) => expect(s.hooks?.poststop?.[0]?.path).toBe('/bin/cleanup'),
    ],
    [
      'runc spec defaults: caps, rlimits, masked/readonly paths, noNewPrivileges',
      image,
      {},
      (s) => {
        expect(s.process?.capabilities?.bounding).toEqual(['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']);
        expect(s.process?.rlimits).toEqual([{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }]);
        expect(s.linux?.maskedPaths).toHaveLength(10);
        expect(s.linux?.readonlyPaths).toEqual([
          '/proc/bus',
          '/proc/fs',
          '/proc/irq',
          '/proc/sys',
          '/proc/sysrq-trigger',
        ]);
        expect(s.process?.noNewPrivileges).toBe(true);
      },
    ],
    [
      'capabilities override',
      image,
      { capabilities: ['CAP_CHOWN'] },
      (s) => expect(s.process?.capabilities?.ambient).toEqual(['CAP_CHOWN']),
    ],
  ];
  it.each(table)('%s', async (_name, img, opts, check) => {
    check(await specFromImage(img, { ...base, ...opts }));
  });

  it('matches the runc spec mounts exactly', async () => {
    const s = await specFromImage(image, base);
    expect(s.mounts?.[2]).toEqual({
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    });
    expect(s.ociVersion).toBe('1.0.2-dev');
  });
});

describe('specFromImage: validation', () => {
  it.each([
    ['missing cgroupsPath', { cgroupsPath: '' }, 'linux.cgroupsPath'],
    ['relative cgroupsPath', { cgroupsPath: 'ctrkit/x' }, 'linux.cgroupsPath'],
    ['cgroupsPath with ..', { cgroupsPath: '/a/../b' }, 'linux.cgroupsPath'],
    ['relative cwd', { cwd: 'srv' }, 'process.cwd'],
    ['empty args', { args: [] }, 'process.args'],
    ['relative namespace path', { namespaces: { network: 'netns/x' } }, 'linux.namespaces[1].path'],
    ['relative mount destination', { mounts: [{ destination: 'data' }] }, 'mounts[7].destination'],
    ['relative hook path', { hooks: { prestart: [{ path: 'hook' }] } }, 'hooks.prestart[0].path'],
    ['bad hook timeout', { hooks: { poststart: [{ path: '/h', timeout: 0 }] } }, 'hooks.poststart[0].timeout'],
    ['bad memory limit', { resources: { memory: { limit: 1.5 } } }, 'linux.resources.memory.limit'],
    ['bad env', { env: ['NOEQUALS'] }, 'process.env'],
    ['relative rootfs without bundleDir', { rootfs: 'rootfs' }, 'root.path'],
  ] as [string, Partial<SpecOptions>, string][])('%s → ERR_INVALID_SPEC naming %s', async (_n, opts, field) => {
    const err = await specFromImage({ config: { Cmd: ['x'] } }, { ...base, ...opts }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_INVALID_SPEC', field });
    expect((err as Error).message).toContain(field);
  });
  it('no Entrypoint and no Cmd is ERR_INVALID_SPEC on process.args', async () => {
    await expect(specFromImage({}, base)).rejects.toMatchObject({ code: 'ERR_INVALID_SPEC', field: 'process.args' });
  });
});
