// Start-to-exit of a `true` container: ctrkit's Container.run + wait() against
// `runc run` spawned directly on the same kind of bundle (what a shell user types), in
// one run, and against `runc run` with the flags ours passes. Then 20 containers started
// concurrently: total wall time and per-container median.
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, rmdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bundle, Container, Runc, type RuncProcess, type RunOptions, specFromImage } from '@ctrkit/runtime';
import { report, type Sample } from './harness.js';

const HIERARCHIES = [
  'blkio',
  'cpu',
  'cpuacct',
  'cpuset',
  'devices',
  'freezer',
  'memory',
  'pids',
  'systemd',
  'unified',
  'hugetlb',
  'net_cls',
  'perf_event',
];

async function rootfs(dir: string): Promise<string> {
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp']) await mkdir(join(dir, d), { recursive: true });
  await copyFile('/bin/busybox', join(dir, 'bin/busybox'));
  await chmod(join(dir, 'bin/busybox'), 0o755);
  for (const a of ['sh', 'true']) await symlink('busybox', join(dir, 'bin', a));
  await writeFile(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(dir, 'etc/group'), 'root:x:0:\n');
  return dir;
}

function runcRun(
  root: string,
  bundle: string,
  id: string,
  flags: string[] = [],
  runFlags: string[] = [],
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('runc', ['--root', root, ...flags, 'run', '--bundle', bundle, ...runFlags, id], {
      stdio: 'ignore',
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

// runc leaves the cgroup parents behind; the peer's runs get them removed outside the timing.
async function removeParent(name: string): Promise<void> {
  for (const h of HIERARCHIES) await rmdir(`/sys/fs/cgroup/${h}/${name}`).catch(() => {});
}

// Records when runc was spawned and when it exited, so our own time (before the spawn,
// and after runc's exit until wait() resolves: cgroup and state clean-up) is measured
// directly, apart from runc's own run time, which dominates and is noisy.
let tSpawn = 0;
let tExit = 0;
class TimedRunc extends Runc {
  override run(id: string, o: RunOptions): RuncProcess {
    tSpawn = performance.now();
    const p = super.run(id, o);
    p.exited.then(() => {
      tExit = performance.now();
    });
    return p;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const dir = await mkdtemp(join(tmpdir(), 'ctrkit-bench-runtime-'));
const tag = `ctkbench${process.pid.toString(36)}`;
// The flags peer's pid files, where ours keeps them when the root is on a disk filesystem.
const flagsPidDir = await mkdtemp('/dev/shm/ctkbench-pid-');
try {
  const fs = await rootfs(join(dir, 'rootfs'));
  const root = join(dir, 'state');
  const runc = new TimedRunc({ root });
  // Separate bundles (and cgroup parents) for ours and the peer, identical otherwise.
  const mk = async (name: string, parent: string) => {
    await mkdir(join(dir, name));
    const spec = await specFromImage({ config: { Cmd: ['true'] } }, { rootfs: fs, cgroupsPath: `/${parent}/c` });
    return Bundle.create(join(dir, name), spec);
  };
  const oursBundle = await mk('ours', `${tag}o`);
  const peerBundle = await mk('peer', `${tag}p`);
  let n = 0;
  const reps = 150;
  const oursS: number[] = [];
  const peerS: number[] = [];
  // runc with the flags ours passes (a JSON log in the root, a pid file where ours keeps it
  // when the root is on a disk filesystem), to separate runc's extra work from ours.
  const flagsS: number[] = [];
  const flagsBundle = await mk('flags', `${tag}f`);
  const beforeSpawn: number[] = [];
  const afterExit: number[] = [];
  const oursRuncSpan: number[] = [];
  const variants = [
    async (record: boolean) => {
      const t0 = performance.now();
      const c = await Container.run({ id: `o${n++}`, bundle: oursBundle, runtime: runc, stdio: 'ignore' });
      const r = await c.wait();
      const t1 = performance.now();
      if (r.exitCode !== 0) throw new Error(`ours exited ${r.exitCode}`);
      if (!record) return;
      oursS.push(t1 - t0);
      beforeSpawn.push(tSpawn - t0);
      afterExit.push(t1 - tExit);
      oursRuncSpan.push(tExit - tSpawn);
    },
    async (record: boolean) => {
      const t0 = performance.now();
      const code = await runcRun(root, peerBundle.dir, `p${n++}`);
      const t1 = performance.now();
      if (code !== 0) throw new Error(`runc run exited ${code}`);
      if (record) peerS.push(t1 - t0);
      await removeParent(`${tag}p`);
    },
    async (record: boolean) => {
      const id = `f${n++}`;
      const pidFile = join(flagsPidDir, `${id}.pid`);
      const t0 = performance.now();
      const code = await runcRun(
        root,
        flagsBundle.dir,
        id,
        ['--log', join(root, `${id}.log.json`), '--log-format', 'json'],
        ['--pid-file', pidFile],
      );
      const t1 = performance.now();
      if (code !== 0) throw new Error(`runc run exited ${code}`);
      if (record) flagsS.push(t1 - t0);
      await unlink(pidFile);
      await unlink(join(root, `${id}.log.json`));
      await removeParent(`${tag}f`);
    },
  ];
  // Interleaved, one of each per round, the order rotating so that what ran just before
  // (and the kernel's deferred cgroup teardown it leaves) falls on each alike.
  for (let i = 0; i < reps + 3; i++) {
    for (let j = 0; j < variants.length; j++)
      await (variants[(i + j) % variants.length] as (r: boolean) => Promise<void>)(i >= 3);
  }
  const sample = (xs: number[]): Sample => ({
    median: median(xs),
    min: Math.min(...xs),
    max: Math.max(...xs),
    samples: xs,
  });
  report({
    name: 'runtime-start',
    description:
      'start-to-exit of a `true` container (busybox rootfs, runc spec namespaces, absolute cgroupsPath): Container.run + wait() vs `runc run` spawned on the same kind of bundle',
    inputs: { runtime: (await runc.version()).version, reps, warmup: 3, interleaved: 'rotating order' },
    ours: sample(oursS),
    peers: { 'runc run': sample(peerS), 'runc run --log json --pid-file': sample(flagsS) },
    goals: { 'ours/runc run': '<= 1.10' },
    extra: {
      overheadMs: Number((median(oursS) - median(peerS)).toFixed(2)),
      // Ours minus the peer run next to it in the same round: slow swings of the machine's
      // load cancel out, which a difference of medians taken over the whole run keeps.
      pairedOverheadMs: Number(median(oursS.map((o, i) => o - (peerS[i] as number))).toFixed(2)),
      pairedRatio: Number(median(oursS.map((o, i) => o / (peerS[i] as number))).toFixed(3)),
      // From our spawn of runc to its exit, against the same flags run from here: whether our
      // own work while runc runs (pid-file watch, plan write) slows runc down.
      runcSpanMs: {
        ours: Number(median(oursRuncSpan).toFixed(2)),
        'runc run --log json --pid-file': Number(median(flagsS).toFixed(2)),
      },
      // Our own work per container, timed directly (medians): goal overhead <= 2 ms.
      ownWorkMs: {
        beforeSpawn: Number(median(beforeSpawn).toFixed(2)),
        afterExit: Number(median(afterExit).toFixed(2)),
      },
      // On a loaded shared machine the minimum is the least noisy figure of what each costs.
      minRatio: Number((Math.min(...oursS) / Math.min(...peerS)).toFixed(3)),
      loadAverage: loadavg().map((l) => Number(l.toFixed(1))),
    },
  });

  // 20 concurrently, each with its own cgroup parent (sharing one would race runc's mkdir -p against our rmdir).
  const conc = 20;
  const bundles = await Promise.all(Array.from({ length: conc }, (_, i) => mk(`c${i}`, `${tag}c${i}`)));
  const peerBundles = await Promise.all(Array.from({ length: conc }, (_, i) => mk(`q${i}`, `${tag}q${i}`)));
  const oursTotal: number[] = [];
  const peerTotal: number[] = [];
  const oursPer: number[] = [];
  const peerPer: number[] = [];
  // Per-container figures are completion times since the batch started, for ours and the
  // peers alike (spawns are serialised in one process, so a clock started per callback
  // would leave the queueing out for some and not others).
  // The same work ours does: runc run, then rmdir of the parent it leaves in every hierarchy.
  const cleanTotal: number[] = [];
  const cleanPer: number[] = [];
  const cleanBundles = await Promise.all(Array.from({ length: conc }, (_, i) => mk(`r${i}`, `${tag}r${i}`)));
  const rounds = 6;
  for (let round = 0; round < rounds + 1; round++) {
    let t0 = performance.now();
    await Promise.all(
      bundles.map(async (b, i) => {
        const c = await Container.run({ id: `k${round}x${i}`, bundle: b, runtime: runc, stdio: 'ignore' });
        await c.wait();
        if (round > 0) oursPer.push(performance.now() - t0);
      }),
    );
    if (round > 0) oursTotal.push(performance.now() - t0);
    t0 = performance.now();
    await Promise.all(
      peerBundles.map(async (b, i) => {
        await runcRun(root, b.dir, `q${round}x${i}`);
        if (round > 0) peerPer.push(performance.now() - t0);
      }),
    );
    if (round > 0) peerTotal.push(performance.now() - t0);
    for (let i = 0; i < conc; i++) await removeParent(`${tag}q${i}`);
    t0 = performance.now();
    await Promise.all(
      cleanBundles.map(async (b, i) => {
        await runcRun(root, b.dir, `r${round}x${i}`);
        await Promise.all(HIERARCHIES.map((h) => rmdir(`/sys/fs/cgroup/${h}/${tag}r${i}`).catch(() => {})));
        if (round > 0) cleanPer.push(performance.now() - t0);
      }),
    );
    if (round > 0) cleanTotal.push(performance.now() - t0);
  }
  report({
    name: 'runtime-start-concurrent',
    description: `${conc} \`true\` containers started concurrently: total wall time, Container.run + wait() vs \`runc run\`, and vs \`runc run\` plus removing the cgroup parents it leaves (${rounds} rounds after a warm-up)`,
    inputs: { concurrency: conc, rounds },
    ours: sample(oursTotal),
    peers: { 'runc run': sample(peerTotal), 'runc run + rmdir parents': sample(cleanTotal) },
    extra: {
      perContainerMedianMs: {
        ours: Number(median(oursPer).toFixed(2)),
        'runc run': Number(median(peerPer).toFixed(2)),
        'runc run + rmdir parents': Number(median(cleanPer).toFixed(2)),
      },
      perContainerRatio: Number((median(oursPer) / median(peerPer)).toFixed(3)),
      perContainerRatioSameWork: Number((median(oursPer) / median(cleanPer)).toFixed(3)),
      loadAverage: loadavg().map((l) => Number(l.toFixed(1))),
    },
  });
} finally {
  for (let i = 0; i < 20; i++) await removeParent(`${tag}q${i}`);
  for (let i = 0; i < 20; i++) await removeParent(`${tag}r${i}`);
  await removeParent(`${tag}p`);
  await removeParent(`${tag}f`);
  await rm(dir, { recursive: true, force: true });
  await rm(flagsPidDir, { recursive: true, force: true });
}
