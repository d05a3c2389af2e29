// Why @ctrkit/sys has *Sync variants: layer apply makes one call per file, and a
// thread-pool hop per call costs more than the syscall. Creating N files inside a root
// with openat2(RESOLVE_IN_ROOT), sync and promise variants, against node:fs doing the same
// creates without any containment (openSync / fs.promises.open), plus a per-call stat loop.
import { closeSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AT, fstatatSync, O, openat2, openat2Sync, openRoot, RESOLVE } from '@ctrkit/sys';
import { measure, report } from './harness.js';

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
const opts = { warmup: 2, reps: 7, before: fresh, after: done };

try {
  const oursSync = await measure(() => {
    for (let i = 0; i < FILES; i++) closeSync(openat2Sync(rootFd, `f${i}`, flags, 0o644, RESOLVE.IN_ROOT));
  }, opts);
  const nodeSync = await measure(() => {
    for (let i = 0; i < FILES; i++) closeSync(openSync(join(dir, `f${i}`), 'wx', 0o644));
  }, opts);
  const oursAsync = await measure(async () => {
    for (let i = 0; i < FILES; i++) closeSync(await openat2(rootFd, `f${i}`, flags, 0o644, RESOLVE.IN_ROOT));
  }, opts);
  const nodeAsync = await measure(async () => {
    for (let i = 0; i < FILES; i++) await (await open(join(dir, `f${i}`), 'wx', 0o644)).close();
  }, opts);

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
