// Apply a gzip layer of ~20,000 files / ~200 MiB: ctrkit's applyLayer vs `tar -xzf`
// (GNU tar) and vs `umoci unpack` of an image holding that layer, each into a fresh
// directory (this /tmp is ext4 without a journal: re-creating files right after an
// rm -rf is ~10x slower, so nothing is deleted until the end). Also keeps the
// decompressor decision: node:zlib streaming with 1 MiB reads / 128 KiB chunks vs the
// defaults, vs `gzip -dc` and `pigz -dc`. CTRKIT_BENCH_SCALE (default 1) scales the input.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { applyLayer } from '@ctrkit/snapshotter';
import { measure, report, type Sample } from './harness.js';
import { makeTree } from './tree-fixture.js';

const SCALE = Number(process.env.CTRKIT_BENCH_SCALE ?? 1);
const FILES = Math.round(20_000 * SCALE);

async function drain(stream: NodeJS.ReadableStream): Promise<void> {
  for await (const _ of stream) {
  }
}

let cur = '';
const work = mkdtempSync(join(tmpdir(), 'ctrkit-bench-apply-'));
try {
  const src = join(work, 'src');
  mkdirSync(src);
  const tree = makeTree(src, FILES, 42);
  const tarPath = join(work, 'layer.tar');
  const gzPath = join(work, 'layer.tar.gz');
  execFileSync('tar', ['--sort=name', '-C', src, '-cf', tarPath, '.']);
  execFileSync('sh', ['-c', `gzip -6 -c ${tarPath} > ${gzPath}`]);
  const img = join(work, 'img');
  execFileSync('umoci', ['init', '--layout', img]);
  execFileSync('umoci', ['new', '--image', `${img}:b`]);
  execFileSync('umoci', ['raw', 'add-layer', '--image', `${img}:b`, tarPath]);
  let n = 0;
  const fresh = () => join(work, `out${n++}`);
  // Interleaved: one run of each per round, so drift in file-creation speed on this
  // shared disk hits all three alike. The first round is a warm-up.
  const ROUNDS = 4;
  type Side = 'ours' | 'oursInThread' | 'tar' | 'umoci';
  const times: Record<Side, number[]> = { ours: [], oursInThread: [], tar: [], umoci: [] };
  const cpu: Record<Side, number[]> = { ours: [], oursInThread: [], tar: [], umoci: [] };
  const timed = (args: string[]) => () => {
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...args], { encoding: 'utf8' });
    const [u = '0', sy = '0'] = r.stderr.trim().split('\n').pop()!.split(' ');
    return Number(u) + Number(sy);
  };
  for (let round = 0; round < ROUNDS; round++) {
    const runs: Array<[Side, () => Promise<unknown> | unknown, boolean]> = [
      [
        'ours',
        async () => {
          const c0 = process.cpuUsage();
          await applyLayer(cur, gzPath);
          const c = process.cpuUsage(c0);
          return (c.user + c.system) / 1e6;
        },
        true,
      ],
      // The design choice: a path is inflated and hashed on a worker thread; a stream is
      // decoded on the applying thread. Same layer, same round.
      [
        'oursInThread',
        async () => {
          const c0 = process.cpuUsage();
          await applyLayer(cur, createReadStream(gzPath, { highWaterMark: 1 << 20 }));
          const c = process.cpuUsage(c0);
          return (c.user + c.system) / 1e6;
        },
        true,
      ],
      ['tar', () => timed(['tar', '-xzf', gzPath, '-C', cur])(), true],
      ['umoci', () => timed(['umoci', 'unpack', '--image', `${img}:b`, cur])(), false],
    ];
    for (const [name, fn, mk] of runs) {
      cur = fresh();
      if (mk) mkdirSync(cur);
      const t0 = performance.now();
      const cpuSeconds = Number(await fn());
      if (round > 0) {
        times[name].push(performance.now() - t0);
        cpu[name].push(cpuSeconds);
      }
    }
  }
  const sample = (xs: number[]): Sample => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return {
      median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2,
      min: s[0]!,
      max: s[s.length - 1]!,
      samples: xs,
    };
  };
  const ours = sample(times.ours);
  const tar = sample(times.tar);
  const umoci = sample(times.umoci);
  const zlibTuned = await measure(() =>
    drain(createReadStream(gzPath, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 128 << 10 }))),
  );
  const zlibDefault = await measure(() => drain(createReadStream(gzPath).pipe(createGunzip())));
  const gzipDc = await measure(() => spawnSync('sh', ['-c', `gzip -dc ${gzPath} > /dev/null`]));
  const pigzDc = await measure(() => spawnSync('sh', ['-c', `pigz -dc ${gzPath} > /dev/null`]));
  report({
    name: 'snapshotter-apply',
    description: `apply a gzip layer of ${tree.files} files / ${(tree.bytes / 2 ** 20).toFixed(0)} MiB into a fresh directory`,
    inputs: {
      files: tree.files,
      uncompressedBytes: statSync(tarPath).size,
      gzipBytes: statSync(gzPath).size,
      scale: SCALE,
      rounds: ROUNDS - 1,
    },
    ours,
    peers: { 'tar -xzf': tar, 'umoci unpack': umoci },
    goals: { 'ours/tar -xzf': '<= 1.3', 'ours/umoci unpack': '<= 0.333' },
    extra: {
      'ours, stream input (gunzip and hashes on the applying thread), ms': sample(times.oursInThread).median,
      cpuSecondsMedian: {
        ours: sample(cpu.ours).median,
        'ours, stream input': sample(cpu.oursInThread).median,
        'tar -xzf': sample(cpu.tar).median,
        'umoci unpack': sample(cpu.umoci).median,
      },
      loadAverage: loadavg(),
      decompressOnlyMs: {
        'node:zlib 1MiB reads/128KiB chunks (chosen)': zlibTuned.median,
        'node:zlib defaults': zlibDefault.median,
        'gzip -dc': gzipDc.median,
        'pigz -dc': pigzDc.median,
      },
    },
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
