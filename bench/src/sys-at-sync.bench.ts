// Why @ctrkit/sys has *Sync variants: layer apply makes one call per file, and a
// thread-pool hop per call costs more than the syscall. Creating N files inside a root
// with openat2(RESOLVE_IN_ROOT), sync and promise variants, against node:fs doing the same
// creates without any containment (openSync / fs.promises.open), plus a per-call stat loop.
import { closeSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AT, fstatatSync, O, openat2, openat2Sync, openRoot, RESOLVE } from '@ctrkit/sys';
import { measure, report, type Sample } from './harness.js';

const FILES = 2000;
const STATS = 20000;
const base = await mkdtemp(join(tmpdir(), 'ctrkit-bench-at-'));
let n = 0;
let dir = '';
let rootFd = -1;
// A fresh directory per repetition: /tmp is ext4 without a journal, and reusing a tree
// right after deleting it is much slower for a while.
const fresh = () => {
  dir = join(base, `r${n++}`);
  mkdirSync(dir);
  rootFd = openRoot(dir);
};
const done = () => closeSync(rootFd);
const flags = O.WRONLY | O.CREAT | O.EXCL;
// The variants take turns within each repetition (A B C D, A B C D, ...): on a shared,
// loaded machine that spreads load drift over all of them instead of whichever ran last.
async function interleaved(variants: Record<string, () => unknown>, reps: number): Promise<Record<string, Sample>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = -1; r < reps; r++) {
    for (const [name, fn] of Object.entries(variants)) {
      const s = await measure(fn, { warmup: 0, reps: 1, before: fresh, after: done });
      if (r >= 0) samples[name]!.push(s.median); // r = -1 is the warm-up round
    }
  }
  const out: Record<string, Sample> = {};
  for (const [name, xs] of Object.entries(samples)) {
    const sorted = [...xs].sort((a, b) => a - b);
    out[name] = { median: sorted[sorted.length >> 1]!, min: sorted[0]!, max: sorted.at(-1)!, samples: xs };
  }
  return out;
}

try {
  const r = await interleaved(
    {
      oursSync: () => {
        for (let i = 0; i < FILES; i++) closeSync(openat2Sync(rootFd, `f${i}`, flags, 0o644, RESOLVE.IN_ROOT));
      },
      nodeSync: () => {
        for (let i = 0; i < FILES; i++) closeSync(openSync(join(dir, `f${i}`), 'wx', 0o644));
      },
      oursAsync: async () => {
        for (let i = 0; i < FILES; i++) closeSync(await openat2(rootFd, `f${i}`, flags, 0o644, RESOLVE.IN_ROOT));
      },
      nodeAsync: async () => {
        for (let i = 0; i < FILES; i++) await (await open(join(dir, `f${i}`), 'wx', 0o644)).close();
      },
    },
    7,
  );
  const oursSync = r.oursSync!;
  const nodeSync = r.nodeSync!;
  const oursAsync = r.oursAsync!;
  const nodeAsync = r.nodeAsync!;

  fresh();
  closeSync(openSync(join(dir, 'x'), 'w'));
  const statOurs = await measure(() => {
    for (let i = 0; i < STATS; i++) fstatatSync(rootFd, 'x', AT.SYMLINK_NOFOLLOW);
  });
  const statNode = await measure(() => {
    for (let i = 0; i < STATS; i++) lstatSync(join(dir, 'x'), { bigint: true });
  });
  done();

  report({
    name: 'sys-at-sync',
    description: `${FILES} file creates inside a root with openat2(RESOLVE_IN_ROOT), sync variant`,
    inputs: { files: FILES, stats: STATS, fs: 'ext4 /tmp, fresh directory per repetition' },
    ours: oursSync,
    peers: { 'node:fs openSync (no containment)': nodeSync, 'sys openat2 promise': oursAsync },
    extra: {
      promiseVariants: {
        'sys openat2 (promise) ms': oursAsync.median,
        'fs.promises.open ms': nodeAsync.median,
        'ours/fs.promises': Number((oursAsync.median / nodeAsync.median).toFixed(3)),
      },
      statLoop: {
        'fstatatSync ms': statOurs.median,
        'lstatSync bigint ms': statNode.median,
        'ours/node': Number((statOurs.median / statNode.median).toFixed(3)),
      },
    },
  });
} finally {
  await rm(base, { recursive: true, force: true });
}
