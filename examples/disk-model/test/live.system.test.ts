// --live samples a real block device's /proc/diskstats like iostat -x.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTempDir } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
// The first whole disk in /proc/diskstats (vda here), as iostat would list it.
const device = readFileSync('/proc/diskstats', 'utf8')
  .split('\n')
  .map((l) => l.trim().split(/\s+/)[2])
  .find((d) => d && /^(vd|sd|nvme|xvd|hd)[a-z0-9]*$/.test(d) && !/\d$/.test(d.replace(/^nvme\d+n\d+$/, 'nvme')));

describe('disk-model --live', () => {
  it('prints measured vs predicted columns for each sample', async () => {
    expect(device, 'no whole disk in /proc/diskstats').toBeDefined();
    const out = await makeTempDir('disk-model-live');
    const { stdout } = await run(process.execPath, [
      CLI,
      '--out',
      out,
      '--ios',
      '2000',
      '--live',
      device!,
      '--interval',
      '300',
      '--count',
      '2',
    ]);
    const table = stdout.slice(stdout.indexOf(`${device}: measured vs predicted`));
    const rows = table
      .split('\n')
      .slice(2)
      .filter((l) => /^\s*[\d.]+\s/.test(l));
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.trim().split(/\s+/)).toHaveLength(9);
    await rm(out, { recursive: true, force: true });
  });
});
