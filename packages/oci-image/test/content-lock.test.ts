// Ingest locks hold across processes, and a lock whose owner died is taken over.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { ContentStore } from '../src/index.js';
import { tempDir } from './helpers/fixtures.js';

const CHILD = fileURLToPath(new URL('./helpers/lock-child.ts', import.meta.url));
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('a second writer in another process gets ERR_LOCKED until the holder dies', { timeout: 60_000 }, async () => {
  dir = await tempDir('lock');
  const root = join(dir, 'store');
  const child = spawn(process.execPath, ['--conditions=@ctrkit/source', '--import', 'tsx', CHILD, root, 'shared-ref'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c) => String(c).includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`lock child exited early (${code})`)));
    });
    const store = await ContentStore.open(root);
    await expect(store.writer('shared-ref')).rejects.toMatchObject({
      code: 'ERR_LOCKED',
      message: expect.stringContaining(`pid ${child.pid}`),
    });
    await expect(store.abort('shared-ref')).rejects.toMatchObject({ code: 'ERR_LOCKED' });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const w = await store.writer('shared-ref');
    expect(w.offset).toBe(4);
    await w.write(Buffer.from('!'));
    expect((await store.readBlob({ digest: await w.commit({ size: 5 }) })).toString()).toBe('held!');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
