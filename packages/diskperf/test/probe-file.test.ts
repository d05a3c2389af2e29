import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareProbeFile } from '../src/index.js';

describe('prepareProbeFile', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the file once and leaves a long-enough file alone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctrkit-diskperf-file-'));
    const f = join(dir, 'p.dat');
    expect(await prepareProbeFile(f, 3 << 20)).toBe(3 << 20);
    expect((await stat(f)).size).toBe(3 << 20);
    expect(await prepareProbeFile(f, 1 << 20)).toBe(0);
  });
  it('extends a short file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctrkit-diskperf-file-'));
    const f = join(dir, 'p.dat');
    await writeFile(f, Buffer.alloc(1000));
    expect(await prepareProbeFile(f, 5000)).toBe(4000);
    expect((await stat(f)).size).toBe(5000);
  });
  it('removes a file it created when aborted part-way, and rejects with signal.reason', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctrkit-diskperf-file-'));
    const f = join(dir, 'p.dat');
    const ac = new AbortController();
    const reason = new Error('stop');
    const p = prepareProbeFile(f, 512 << 20, { signal: ac.signal });
    setTimeout(() => ac.abort(reason), 30);
    await expect(p).rejects.toBe(reason);
    expect(existsSync(f)).toBe(false);
  });
  it('refuses a directory', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctrkit-diskperf-file-'));
    await expect(prepareProbeFile(dir, 10)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });
});
