// probe() vs fio on the same 256 MiB file, 4 KiB random O_DIRECT reads, at depth 1 and 16.
// Rounds alternate ours and fio's (2 s each) so both see the same noise from this shared
// VM's virtio disk, which is not an HDD. The harness times "ms per 1000 reads" so that
// ours/peer < 1 means we are faster; the IOPS ratio (the figure) is in extra.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FioOptions, prepareProbeFile, probe, runFio } from '@ctrkit/diskperf';
import { report, type Sample } from './harness.js';

const SIZE = 256 * 1024 * 1024;
const ROUNDS = 5;
const MS = 1000;

const sample = (iops: number[]): Sample => {
  const ms = iops.map((x) => 1e6 / x).sort((a, b) => a - b);
  return { median: ms[ms.length >> 1] ?? 0, min: ms[0] ?? 0, max: ms[ms.length - 1] ?? 0, samples: ms };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;

const dir = await mkdtemp(join(tmpdir(), 'ctrkit-bench-diskperf-'));
try {
  const file = join(dir, 'probe.dat');
  await prepareProbeFile(file, SIZE);
  for (const depth of [1, 16]) {
    const peers: Record<string, Omit<FioOptions, 'filename' | 'size'>> = depth === 1
      ? { 'fio-psync': { ioengine: 'psync' }, 'fio-libaio-qd1': { ioengine: 'libaio', iodepth: 1 } }
      : {
          'fio-psync-numjobs16-thread': { ioengine: 'psync', numjobs: 16, thread: true },
          'fio-psync-numjobs16': { ioengine: 'psync', numjobs: 16 },
          'fio-libaio-iodepth16': { ioengine: 'libaio', iodepth: 16 },
        };
    const ours: number[] = [];
    const theirs: Record<string, number[]> = Object.fromEntries(Object.keys(peers).map((k) => [k, []]));
    let engine = '';
    for (let r = 0; r < ROUNDS; r++) {
      const p = await probe({ path: file, size: SIZE, depth, durationMs: MS, seed: r + 1 });
      ours.push(p.iops);
      engine = `${p.engine}, aligned by ${p.alignedBy}: ${p.depthNote}`;
      for (const [name, o] of Object.entries(peers))
        theirs[name]?.push((await runFio({ filename: file, size: SIZE, runtimeMs: MS, ...o })).iops);
    }
    const iopsRatio = Object.fromEntries(
      Object.entries(theirs).map(([k, v]) => [`ours/${k}`, Number((median(ours) / median(v)).toFixed(3))]),
    );
    report({
      name: `diskperf-probe-qd${depth}`,
      description: `probe() vs fio: 4 KiB randread, O_DIRECT, depth ${depth}, ${SIZE >> 20} MiB file, ${ROUNDS} alternating rounds of ${MS} ms; times are ms per 1000 reads (virtio-blk on a shared VM, not an HDD)`,
      inputs: { size: SIZE, ioSize: 4096, depth, rounds: ROUNDS, durationMs: MS },
      ours: sample(ours),
      peers: Object.fromEntries(Object.entries(theirs).map(([k, v]) => [k, sample(v)])),
      goals: { 'iops ours/fio': '>= 0.8' },
      extra: { engine, oursIops: ours, peerIops: theirs, iopsRatio },
    });
    console.log('  IOPS ratios:', iopsRatio);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
