// disk-model end to end: the built CLI prints the seed example and the catalogue, and
// writes SVG plots that parse as XML with the expected content.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTempDir } from '@ctrkit/testkit';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const dirs: string[] = [];
afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('disk-model', () => {
  it('prints the worked example, the catalogue and writes valid SVG plots', async () => {
    expect(existsSync(CLI), `${CLI} is missing: build first`).toBe(true);
    const out = await makeTempDir('disk-model');
    dirs.push(out);
    const { stdout } = await run(process.execPath, [CLI, '--out', out, '--ios', '4000'], { timeout: 120_000 });
    expect(stdout).toContain('T = 5 + 4.1667 + 0.7813 = 9.948 ms; IOPS = 1000 / T = 100.52');
    expect(stdout).toMatch(/0\.7\s+33\.16\s+21\.55/);
    expect(stdout).toMatch(/Seagate Exos X24 24TB\s+7200/);
    for (const name of ['response-time.svg', 'iops-vs-depth.svg']) {
      const svg = readFileSync(join(out, name), 'utf8');
      expect(XMLValidator.validate(svg)).toBe(true);
      const doc = new XMLParser({ ignoreAttributes: false }).parse(svg);
      expect(doc.svg).toBeDefined();
      expect(svg).toMatch(/<path|<polyline/);
    }
    const depth = readFileSync(join(out, 'iops-vs-depth.svg'), 'utf8');
    for (const s of ['FCFS', 'SSTF', 'ELEVATOR', 'SPTF']) expect(depth).toContain(s);
    expect(readFileSync(join(out, 'response-time.svg'), 'utf8')).toMatch(/knee/i);
  });
});
