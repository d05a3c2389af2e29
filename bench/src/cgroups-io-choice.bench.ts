// The design choice behind @ctrkit/cgroups' file access (src/internal/fsio.ts): the same
// raw cgroupfs work done with synchronous fs calls (what the package uses) versus
// fs.promises (a thread-pool hop per call), and readFileSync versus one reused buffer
// for reads. Work per cgroup: mkdir in cpu+memory+pids, 5 limit writes, 3 cgroup.procs
// writes, 8 reads, 3 procs writes back, rmdir ×3. v1 hierarchies; run as root.
import { spawn } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readFileSync, readSync, rmdirSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { measure, report } from './harness.js';

const N = 500;
const R = '/sys/fs/cgroup';
const CTRLS = ['cpu', 'memory', 'pids'];
const parent = `ctrkit-bench-io-${process.pid}`;
if (process.getuid?.() !== 0) throw new Error('cgroups-io-choice bench needs root');

for (const c of CTRLS) mkdirSync(join(R, c, parent));
const helper = spawn('sleep', ['100000'], { stdio: 'ignore' });
const pid = String(helper.pid);
let round = 0;

const writes = (n: string): [string, string][] => [
  [join(R, 'cpu', n, 'cpu.shares'), '512'],
  [join(R, 'cpu', n, 'cpu.cfs_period_us'), '100000'],
  [join(R, 'cpu', n, 'cpu.cfs_quota_us'), '20000'],
  [join(R, 'memory', n, 'memory.limit_in_bytes'), String(64 << 20)],
  [join(R, 'pids', n, 'pids.max'), '64'],
  ...CTRLS.map((c): [string, string] => [join(R, c, n, 'cgroup.procs'), pid]),
];
const reads = (n: string) => [
  join(R, 'cpu', n, 'cpu.stat'),
  join(R, 'memory', n, 'memory.stat'),
  join(R, 'memory', n, 'memory.usage_in_bytes'),
  join(R, 'memory', n, 'memory.limit_in_bytes'),
  join(R, 'memory', n, 'memory.max_usage_in_bytes'),
  join(R, 'memory', n, 'memory.oom_control'),
  join(R, 'pids', n, 'pids.current'),
  join(R, 'pids', n, 'pids.max'),
];
const back = CTRLS.map((c) => join(R, c, parent, 'cgroup.procs'));

const buf = Buffer.allocUnsafe(64 * 1024);
function readReused(file: string): string {
  const fd = openSync(file, constants.O_RDONLY);
  try {
    let len = 0;
    for (let k = readSync(fd, buf, 0, buf.length, null); k > 0; k = readSync(fd, buf, len, buf.length - len, null))
      len += k;
    return buf.toString('latin1', 0, len);
  } finally {
    closeSync(fd);
  }
}
function writeSyncOnce(file: string, value: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_TRUNC);
  try {
    writeSync(fd, value);
  } finally {
    closeSync(fd);
  }
}
async function writeAsync(file: string, value: string): Promise<void> {
  const fh = await open(file, constants.O_WRONLY | constants.O_TRUNC);
  try {
    await fh.write(value);
  } finally {
    await fh.close();
  }
}

function syncRun(read: (f: string) => string): void {
  const base = `${parent}/s${round++}`;
  for (let i = 0; i < N; i++) {
    const n = `${base}-${i}`;
    for (const c of CTRLS) mkdirSync(join(R, c, n));
    for (const [f, v] of writes(n)) writeSyncOnce(f, v);
    for (const f of reads(n)) read(f);
    for (const f of back) writeSyncOnce(f, pid);
    for (const c of CTRLS) rmdirSync(join(R, c, n));
  }
}

async function asyncRun(): Promise<void> {
  const base = `${parent}/a${round++}`;
  for (let i = 0; i < N; i++) {
    const n = `${base}-${i}`;
    for (const c of CTRLS) await mkdir(join(R, c, n));
    for (const [f, v] of writes(n)) await writeAsync(f, v);
    for (const f of reads(n)) await readFile(f, 'latin1');
    for (const f of back) await writeAsync(f, pid);
    for (const c of CTRLS) await rmdir(join(R, c, n));
  }
}

try {
  const sync = await measure(() => syncRun(readReused), { warmup: 1, reps: 5 });
  const syncReadFile = await measure(() => syncRun((f) => readFileSync(f, 'latin1')), { warmup: 1, reps: 5 });
  const promises = await measure(asyncRun, { warmup: 1, reps: 5 });
  report({
    name: 'cgroups-io-choice',
    description: `raw cgroupfs lifecycle work for ${N} cgroups (3 mkdir, 8 writes, 8 reads, 3 writes back, 3 rmdir each), total ms: sync fs + reused read buffer (the package's choice) vs sync with readFileSync vs fs.promises`,
    inputs: { cgroups: N, controllers: CTRLS },
    ours: sync,
    peers: { 'sync-readFileSync': syncReadFile, 'fs.promises': promises },
    extra: {
      perCgroupMs: { ours: sync.median / N, syncReadFile: syncReadFile.median / N, promises: promises.median / N },
    },
  });

  // Reads alone (what stats() does): the same 8 files of one cgroup, 2,000 times.
  const one = `${parent}/r`;
  for (const c of CTRLS) mkdirSync(join(R, c, one));
  const files = reads(one);
  const READS = 2000;
  const reused = await measure(
    () => {
      for (let i = 0; i < READS; i++) for (const f of files) readReused(f);
    },
    { warmup: 1, reps: 7 },
  );
  const rfs = await measure(
    () => {
      for (let i = 0; i < READS; i++) for (const f of files) readFileSync(f, 'latin1');
    },
    { warmup: 1, reps: 7 },
  );
  const rasync = await measure(
    async () => {
      for (let i = 0; i < READS; i++) for (const f of files) await readFile(f, 'latin1');
    },
    { warmup: 1, reps: 3 },
  );
  for (const c of CTRLS) rmdirSync(join(R, c, one));
  report({
    name: 'cgroups-read-choice',
    description: `reading 8 control files (cpu.stat, memory.stat, ... pids.max) ${READS} times, total ms: open+read into one reused buffer (the package's choice) vs readFileSync vs fs.promises readFile`,
    inputs: { reads: READS * files.length },
    ours: reused,
    peers: { readFileSync: rfs, 'fs.promises.readFile': rasync },
  });
} finally {
  helper.kill('SIGKILL');
  await new Promise((r) => helper.once('exit', r));
  for (const c of CTRLS) rmdirSync(join(R, c, parent));
}
