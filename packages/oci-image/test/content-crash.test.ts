// A child ingesting into the store is SIGKILLed at random points, over and over. After
// every kill the store must reopen, show no partial blob, and let the next child resume;
// at the end every blob is present with the right digest.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ContentStore } from '../src/index.js';
import { tempDir } from './helpers/fixtures.js';
import { BLOBS, blobDigest } from './helpers/ingest-data.js';

const CHILD = fileURLToPath(new URL('./helpers/ingest-child.ts', import.meta.url));
const KILLS = 50;
let dir: string | undefined;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function runChild(root: string, killAfterMs: number | null): Promise<{ finished: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@ctrkit/source', '--import', 'tsx', CHILD, root], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (c) => {
      out += c;
      if (killAfterMs !== null && out.includes('ready') && !timer)
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.once('error', reject);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve({ finished: out.includes('done'), stderr });
    });
  });
}

async function assertNoPartialBlob(root: string): Promise<number> {
  const names = await readdir(join(root, 'blobs', 'sha256')).catch(() => [] as string[]);
  for (const hex of names) {
    const got = createHash('sha256')
      .update(await readFile(join(root, 'blobs', 'sha256', hex)))
      .digest('hex');
    expect(got, `blob ${hex} is complete`).toBe(hex);
  }
  return names.length;
}

describe('content store crash safety', () => {
  it(`survives ${KILLS} SIGKILLs at random points of an ingest`, { timeout: 600_000 }, async () => {
    dir = await tempDir('crash');
    const root = join(dir, 'store');
    let killed = 0;
    let seenCommits = 0;
    let midIngest = 0;
    while (killed < KILLS) {
      const r = await runChild(root, Math.floor(Math.random() * 200));
      if (r.finished) break;
      if (r.stderr.trim() !== '') throw new Error(`child failed: ${r.stderr}`);
      killed++;
      const now = await assertNoPartialBlob(root);
      expect(now).toBeGreaterThanOrEqual(seenCommits);
      if (now < BLOBS) midIngest++;
      seenCommits = now;
      const store = await ContentStore.open(root);
      for (const s of await store.listStatuses()) expect(s.offset).toBeGreaterThanOrEqual(0);
    }
    const last = await runChild(root, null);
    expect(last.finished, last.stderr).toBe(true);
    expect(await assertNoPartialBlob(root)).toBe(BLOBS);
    const store = await ContentStore.open(root);
    for (let i = 0; i < BLOBS; i++) expect(await store.has(blobDigest(i))).toBe(true);
    expect(await store.listStatuses()).toEqual([]);
    // The kills landed while work remained, not after it was done.
    expect(killed).toBe(KILLS);
    expect(midIngest).toBe(KILLS);
    expect(seenCommits).toBeLessThan(BLOBS);
    console.log(`crash test: ${killed} kills, ${seenCommits}/${BLOBS} blobs committed before the final run`);
  });
});
