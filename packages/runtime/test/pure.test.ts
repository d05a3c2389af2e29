// Pure helpers: log parsing, error classification, exit decoding, argv builders, mountinfo.
import { describe, expect, it } from 'vitest';
import {
  classifyRuncMessage,
  decodeExitStatus,
  eventsArgs,
  execArgs,
  lastRuncError,
  parseRuncLog,
  parseVersion,
  RUNTIME_ERROR_CODES,
  runArgs,
  signalName,
  signalNumber,
  stderrMessage,
} from '../src/index.js';
import { parseCgroupMounts } from '../src/internal/cgroup-mounts.js';

describe('runc JSON log', () => {
  const log = [
    '{"level":"warning","msg":"deprecated","time":"t1"}',
    '{"level":"error","msg":"first","time":"t2"}',
    'garbage line',
    '{"level":"error","msg":"runc run failed: unable to start container process: exec: \\"/x\\": stat /x: no such file or directory","time":"t3"}',
    '{"level":"info","msg":"after"}',
    '',
  ].join('\n');
  it('parses entries, keeping unparsable lines', () => {
    const e = parseRuncLog(log);
    expect(e.map((x) => x.level)).toEqual(['warning', 'error', 'unknown', 'error', 'info']);
    expect(e[2]).toEqual({ level: 'unknown', msg: 'garbage line' });
  });
  it('the last error wins', () => {
    expect(lastRuncError(parseRuncLog(log))).toMatch(/^runc run failed: .*no such file or directory$/);
    expect(lastRuncError(parseRuncLog('{"level":"info","msg":"x"}'))).toBeNull();
  });
  it('reads logrus text from stderr', () => {
    expect(stderrMessage('time="2026" level=error msg="container \\"x\\" does not exist"\n')).toBe(
      'container "x" does not exist',
    );
    expect(stderrMessage('unknown command features\n')).toBe('unknown command features');
  });
  it.each([
    ['container does not exist', 'ERR_CONTAINER_NOT_FOUND'],
    ['container not running', 'ERR_CONTAINER_NOT_RUNNING'],
    ['container with id c1 is not running', 'ERR_CONTAINER_NOT_RUNNING'],
    ['container with id exists: c1', 'ERR_CONTAINER_EXISTS'],
    ['cannot start a container that has stopped', 'ERR_RUNTIME'],
    [
      'runc run failed: unable to start container process: exec: "/x": stat /x: no such file or directory',
      'ERR_RUNTIME',
    ],
    ['cannot allocate tty if runc will detach without setting console socket', 'ERR_RUNTIME'],
  ])('%s → %s', (msg, code) => {
    expect(classifyRuncMessage(msg)).toBe(code);
  });
});

describe('exit status and signals', () => {
  it.each([
    [0, { exitCode: 0, signal: null }],
    [1, { exitCode: 1, signal: null }],
    [42, { exitCode: 42, signal: null }],
    [128, { exitCode: 128, signal: null }],
    [137, { exitCode: 137, signal: 'SIGKILL' }],
    [143, { exitCode: 143, signal: 'SIGTERM' }],
    [255, { exitCode: 255, signal: null }],
  ])('status %i', (status, expected) => {
    expect(decodeExitStatus(status)).toEqual(expected);
  });
  it('normalises signal spellings', () => {
    expect(['TERM', 'SIGTERM', 'sigterm', 15, '15'].map(signalNumber)).toEqual([15, 15, 15, 15, 15]);
    expect(signalNumber('NOPE')).toBeNull();
    expect(signalNumber(0)).toBeNull();
    expect(signalName(9)).toBe('SIGKILL');
    expect(signalName(6)).toBe('SIGABRT');
    expect(signalName(40)).toBe('SIG40');
  });
});

describe('argv builders', () => {
  it('run', () => {
    expect(runArgs('c', { bundle: '/b', pidFile: '/p', keep: true })).toEqual([
      'run',
      '--bundle',
      '/b',
      '--pid-file',
      '/p',
      '--keep',
      'c',
    ]);
    expect(runArgs('c', { bundle: '/b', detach: true, consoleSocket: '/s' })).toEqual([
      'run',
      '--bundle',
      '/b',
      '--console-socket',
      '/s',
      '--detach',
      'c',
    ]);
  });
  it('exec', () => {
    expect(execArgs('c', { processFile: '/p.json', detach: true, pidFile: '/pid', ignorePaused: true })).toEqual([
      'exec',
      '--process',
      '/p.json',
      '--detach',
      '--pid-file',
      '/pid',
      '--ignore-paused',
      'c',
    ]);
  });
  it('events', () => {
    expect(eventsArgs('c', { stats: true })).toEqual(['events', '--stats', 'c']);
    expect(eventsArgs('c', {})).toEqual(['events', '--interval', '5000ms', 'c']);
    expect(() => eventsArgs('c', { intervalMs: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
  it('version parsing', () => {
    expect(parseVersion('crun version 1.8.1\ncommit: f8a0\nrundir: /run/crun\nspec: 1.0.0\n+SYSTEMD')).toEqual({
      runtime: 'crun',
      version: '1.8.1',
      commit: 'f8a0',
      spec: '1.0.0',
    });
    expect(() => parseVersion('garbage')).toThrow(expect.objectContaining({ code: 'ERR_RUNTIME' }));
  });
});

describe('cgroup files', () => {
  it('parses cgroup mounts from mountinfo (hybrid host)', () => {
    const mi = [
      '35 26 0:30 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw,nsdelegate',
      '36 26 0:31 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd',
      '40 26 0:35 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
      '41 26 0:36 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu',
      '22 1 8:1 / / rw - ext4 /dev/vda1 rw',
    ].join('\n');
    expect(parseCgroupMounts(mi)).toEqual([
      { mountpoint: '/sys/fs/cgroup/unified', version: 2, controllers: [], root: '/' },
      { mountpoint: '/sys/fs/cgroup/systemd', version: 1, controllers: ['name=systemd'], root: '/' },
      { mountpoint: '/sys/fs/cgroup/memory', version: 1, controllers: ['memory'], root: '/' },
      { mountpoint: '/sys/fs/cgroup/cpu', version: 1, controllers: ['cpu'], root: '/' },
    ]);
  });
});

describe('error codes', () => {
  it('the exported list is stable (codes are API: only ever added)', () => {
    expect(RUNTIME_ERROR_CODES).toMatchInlineSnapshot(`
      [
        "ERR_INVALID_SPEC",
        "ERR_INVALID_ARGUMENT",
        "ERR_USER_NOT_FOUND",
        "ERR_BUNDLE_EXISTS",
        "ERR_BUNDLE_NOT_FOUND",
        "ERR_RUNTIME",
        "ERR_CONTAINER_NOT_FOUND",
        "ERR_CONTAINER_NOT_RUNNING",
        "ERR_CONTAINER_EXISTS",
        "ERR_RUNTIME_NOT_FOUND",
        "ERR_UNSUPPORTED",
      ]
    `);
  });
});
