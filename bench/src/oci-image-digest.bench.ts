// Digest of a 1 GiB file: ctrkit's digestOf over a 1 MiB-read stream (node:crypto)
// against `openssl dgst -sha256` and `sha256sum`, same file, page cache warm for all.
// Goal (issue 3): at least 0.9x openssl's throughput, i.e. ours/openssl time <= 1.11.
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { digestOf } from '@ctrkit/oci-image';
import { measure, report } from './harness.js';

const run = promisify(execFile);
const SIZE = 1 << 30;
const dir = await mkdtemp(join(tmpdir(), 'ctrkit-bench-digest-'));
const file = join(dir, 'blob');
try {
  // Pseudo-random content (a 1 MiB block with its index stamped in), written once.
  const fh = await open(file, 'w');
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  for (let i = 0; i < SIZE / block.length; i++) {
    block.writeUInt32LE(i, 0);
    await fh.write(block);
  }
  await fh.close();
  const expected = await digestOf(createReadStream(file, { highWaterMark: 1 << 20 }));
  const opts = { warmup: 1, reps: 3 };
  const ours = await measure(async () => {
    const d = await digestOf(createReadStream(file, { highWaterMark: 1 << 20 }));
    if (d !== expected) throw new Error('digest changed');
  }, opts);
  const openssl = await measure(async () => {
    const { stdout } = await run('openssl', ['dgst', '-sha256', '-r', file]);
    if (`sha256:${stdout.split(' ')[0]}` !== expected) throw new Error(`openssl disagrees: ${stdout}`);
  }, opts);
  const sha256sum = await measure(async () => {
    const { stdout } = await run('sha256sum', [file]);
    if (`sha256:${stdout.split(' ')[0]}` !== expected) throw new Error(`sha256sum disagrees: ${stdout}`);
  }, opts);
  const mbs = (ms: number) => Number((SIZE / 1e6 / (ms / 1000)).toFixed(0));
  report({
    name: 'oci-image-digest',
    description:
      'sha256 of a 1 GiB file (page cache warm): digestOf(createReadStream, 1 MiB reads) vs openssl dgst and sha256sum (peers include process start-up)',
    inputs: { bytes: SIZE, readSize: 1 << 20 },
    ours,
    peers: { openssl, sha256sum },
    goals: { 'ours/openssl': '<= 1.11 (>= 0.9x throughput)' },
    // Shared 2-core host: the load average says how far to trust the figures.
    extra: {
      loadavg: loadavg(),
      throughputMBps: { ours: mbs(ours.median), openssl: mbs(openssl.median), sha256sum: mbs(sha256sum.median) },
    },
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
