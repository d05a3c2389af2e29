import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bundle, Runc, specFromImage } from '../src/index.js';
import { decodeWaitStatus, waitStatusFromStat } from '../src/internal/wait-status.js';

const userdb = join(import.meta.dirname, 'fixtures/userdb');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ctrkit-rt-bundle-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spec = () => specFromImage({ config: { Cmd: ['echo', 'hi'] } }, { rootfs: userdb, cgroupsPath: '/ctrkit/b' });

describe('Bundle', () => {
  it('create writes config.json atomically and open reads it back', async () => {
    const s = await spec();
    const b = await Bundle.create(join(dir, 'b1'), s);
    expect(b.ownsDir).toBe(true);
    expect(await readdir(b.dir)).toEqual(['config.json']);
    expect(JSON.parse(await readFile(b.configPath, 'utf8'))).toEqual(s);
    const o = await Bundle.open(b.dir);
    expect(o.spec).toEqual(s);
    expect(o.ownsDir).toBe(false);
    expect(o.rootfs).toBe(userdb);
    expect(inspect(o)).toBe(`Bundle ${b.dir} { rootfs: ${userdb}, args: [echo hi], cgroupsPath: /ctrkit/b }`);
  });

  it('refuses to overwrite an existing config.json unless asked', async () => {
    const s = await spec();
    await mkdir(join(dir, 'b2'));
    await Bundle.create(join(dir, 'b2'), s);
    await expect(Bundle.create(join(dir, 'b2'), s)).rejects.toMatchObject({ code: 'ERR_BUNDLE_EXISTS' });
    const b = await Bundle.create(join(dir, 'b2'), { ...s, hostname: 'x' }, { overwrite: true });
    expect((await Bundle.open(b.dir)).spec.hostname).toBe('x');
  });

  it('an invalid spec is rejected before anything is written', async () => {
    const s = await spec();
    await expect(
      Bundle.create(join(dir, 'b3'), { ...s, linux: { ...s.linux, cgroupsPath: '' } }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_SPEC',
      field: 'linux.cgroupsPath',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('open of a missing or broken bundle', async () => {
    await expect(Bundle.open(join(dir, 'none'))).rejects.toMatchObject({ code: 'ERR_BUNDLE_NOT_FOUND' });
    await mkdir(join(dir, 'bad'));
    await writeFile(join(dir, 'bad/config.json'), '{not json');
    await expect(Bundle.open(join(dir, 'bad'))).rejects.toMatchObject({ code: 'ERR_INVALID_SPEC' });
  });

  it('delete removes the directory it created, only config.json otherwise', async () => {
    const s = await spec();
    const own = await Bundle.create(join(dir, 'own'), s);
    await own.delete();
    await mkdir(join(dir, 'theirs'));
    await writeFile(join(dir, 'theirs/keep'), 'x');
    const theirs = await Bundle.create(join(dir, 'theirs'), s);
    await theirs.delete();
    expect(await readdir(dir)).toEqual(['theirs']);
    expect(await readdir(join(dir, 'theirs'))).toEqual(['keep']);
  });
});

describe('wait status decoding (terminal supervisor)', () => {
  // A /proc/<pid>/stat line of a zombie (fields from a real `sleep` killed by SIGKILL; comm with a space and a paren).
  const stat = (exitCode: number) =>
    `4242 (we ird) sl) Z 1 4242 4242 0 -1 4228108 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 ${exitCode}`;
  it.each([
    [0, { exitCode: 0, signal: null }],
    [5 << 8, { exitCode: 5, signal: null }],
    [137 << 8, { exitCode: 137, signal: null }],
    [9, { exitCode: 137, signal: 9 }],
    [15, { exitCode: 143, signal: 15 }],
    [0x80 | 11, { exitCode: 139, signal: 11 }], // SIGSEGV with core dump flag
  ])('status %i', (ws, expected) => {
    expect(waitStatusFromStat(stat(ws))).toBe(ws);
    expect(decodeWaitStatus(ws)).toEqual(expected);
  });
  it('rejects a line without exit_code', () => {
    expect(() => waitStatusFromStat('1 (x) S 0')).toThrow(/no exit_code/);
  });
});

describe('REPL output', () => {
  it('Runc prints its binary and root', () => {
    expect(inspect(new Runc({ root: '/run/x' }))).toBe('Runc { binary: runc, root: /run/x }');
  });
});
