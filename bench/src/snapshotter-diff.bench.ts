// Diff a ~20,000-file / ~200 MiB tree against an empty lower into a gzip layer:
// ctrkit's diffTrees (pigz-style parallel deflate on the libuv pool) vs
// `tar -czf - . | cat` and `tar -cf - . | pigz`, all consumed to the end (tar to
// /dev/null would skip reading contents). Also: diffOverlayUpper on a 10-file change
// over the same tree used as the lower of a real overlay mount, vs diffTrees(lower,
// merged) for the same change. CTRKIT_BENCH_SCALE (default 1) scales the input.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffOverlayUpper, diffTrees, type LayerStream } from '@ctrkit/snapshotter';
import { mountSync, umountSync } from '@ctrkit/sys';
import { measure, report, type Sample } from './harness.js';
import { makeTree } from './tree-fixture.js';

const SCALE = Number(process.env.CTRKIT_BENCH_SCALE ?? 1);
const FILES = Math.round(20_000 * SCALE);

async function consume(s: LayerStream): Promise<number> {
  let n = 0;
  for await (const c of s) n += c.length;
  return n;
}

const work = mkdtempSync(join(tmpdir(), 'ctrkit-bench-diff-'));
let mounted = '';
try {
  const tree = join(work, 'tree');
  mkdirSync(tree);
  const { bytes } = makeTree(tree, FILES, 7);
  // Interleaved rounds (the first is a warm-up): this 2-core machine is shared, and its
  // load drifts by minutes, so each round runs all three back to back.
  const ROUNDS = 4;
  let gzBytes = 0;
  const times: Record<'ours' | 'gz' | 'pigz', number[]> = { ours: [], gz: [], pigz: [] };
  // CPU seconds (user + sys) too: on this shared machine wall time mostly measures how
  // much of the 2 cores each side got; CPU time does not depend on the load.
  const cpu: Record<'ours' | 'gz' | 'pigz', number[]> = { ours: [], gz: [], pigz: [] };
  const timed = (cmd: string) => () => {
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S', 'sh', '-c', cmd], { encoding: 'utf8' });
    const [u = '0', sy = '0'] = r.stderr.trim().split('\n').pop()!.split(' ');
    return Number(u) + Number(sy);
  };
  for (let round = 0; round < ROUNDS; round++) {
    const runs: Array<['ours' | 'gz' | 'pigz', () => Promise<number> | number]> = [
      [
        'ours',
        async () => {
          const c0 = process.cpuUsage();
          gzBytes = await consume(diffTrees(null, tree));
          const c = process.cpuUsage(c0);
          return (c.user + c.system) / 1e6;
        },
      ],
      ['gz', timed(`tar -C ${tree} -czf - . | cat > /dev/null`)],
      ['pigz', timed(`tar -C ${tree} -cf - . | pigz > /dev/null`)],
    ];
    for (const [name, fn] of runs) {
      const t0 = performance.now();
      const cpuSeconds = await fn();
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
  const tarGz = sample(times.gz);
  const tarPigz = sample(times.pigz);
  const single = await measure(
    async () => {
      // The alternative we did not pick: one zlib stream (what a plain createGzip pipe gives).
      const { createGzip } = await import('node:zlib');
      const { Readable } = await import('node:stream');
      const z = Readable.from(diffTrees(null, tree, { compression: 'none' })).pipe(createGzip());
      for await (const _ of z) {
      }
    },
    { warmup: 0, reps: 1 },
  );
  report({
    name: 'snapshotter-diff',
    description: `diff a ${FILES}-file / ${(bytes / 2 ** 20).toFixed(0)} MiB tree against an empty lower into gzip`,
    inputs: { files: FILES, bytes, gzipBytes: gzBytes, scale: SCALE, rounds: ROUNDS - 1, loadAverage: loadavg() },
    ours,
    peers: { 'tar -czf - . | cat': tarGz, 'tar -cf - . | pigz': tarPigz },
    goals: { 'ours/tar -cf - . | pigz': '<= 1.0' },
    extra: {
      'single zlib gzip stream (not chosen), ms': single.median,
      cpuSecondsMedian: {
        ours: sample(cpu.ours).median,
        'tar -czf - . | cat': sample(cpu.gz).median,
        'tar -cf - . | pigz': sample(cpu.pigz).median,
      },
      note: 'wall-time ratios on this shared 2-core machine (load average in inputs) mostly measure scheduler share; CPU seconds do not',
    },
  });

  // diffOverlayUpper: 10 changed files over the tree as a lower.
  const upper = join(work, 'upper');
  const workdir = join(work, 'work');
  const merged = join(work, 'merged');
  for (const d of [upper, workdir, merged]) mkdirSync(d);
  mountSync('overlay', merged, 'overlay', 0, `lowerdir=${tree},upperdir=${upper},workdir=${workdir}`);
  mounted = merged;
  for (let i = 0; i < 10; i++) writeFileSync(join(merged, `d${i}`, `changed-${i}.txt`), `change ${i}`);
  rmSync(join(merged, 'd11', 's0', 'f11.txt'));
  const fast = await measure(() => consume(diffOverlayUpper(upper, [tree])), { warmup: 1, reps: 5 });
  const slow = await measure(() => consume(diffTrees(tree, merged)), { warmup: 1, reps: 3 });
  report({
    name: 'snapshotter-diff-overlay-upper',
    description: `diffOverlayUpper on a 10-file change (plus one whiteout) over a ${FILES}-file lower vs diffTrees(lower, merged)`,
    inputs: { lowerFiles: FILES, changed: 10, deleted: 1 },
    ours: fast,
    peers: { 'diffTrees(lower, merged)': slow },
    goals: { 'ours/diffTrees(lower, merged)': '<= 0.02 (>= 50x faster)' },
  });
} finally {
  if (mounted) umountSync(mounted);
  rmSync(work, { recursive: true, force: true });
}
