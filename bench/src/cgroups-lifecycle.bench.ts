// @ctrkit/cgroups: the lifecycle of many cgroups (create in cpu+memory+pids, set
// cpu+memory+pids limits, attach a process, read stats, move it out, delete), against
// what a user would script instead: libcgroup's cgcreate/cgset/cgclassify/cgget/cgdelete
// (Debian cgroup-tools), and a bash loop using only builtins (loadable mkdir/rmdir from
// Debian bash-builtins, so no fork at all) as the floor. Then stats() over 1,000 cgroups.
// v1 hierarchies (this host is hybrid); run as root.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cgroup } from '@ctrkit/cgroups';
import { measure, report, type Sample } from './harness.js';

const N = 1000;
const N_TOOLS = 100; // cgroup-tools fork ~5 processes per cgroup; fewer keep the run short
const REPS = 3;
const R = '/sys/fs/cgroup';
const CTRLS = ['cpu', 'memory', 'pids'] as const;
const parentPath = `/ctrkit-bench-${process.pid}`;
const opts = { controllers: [...CTRLS], mode: 'legacy' as const };
const resources = {
  cpu: { shares: 512, quota: 20000, period: 100000 },
  memory: { limit: 64 << 20 },
  pids: { limit: 64 },
};

if (process.getuid?.() !== 0) throw new Error('cgroups-lifecycle bench needs root');
if (!existsSync('/usr/lib/bash/mkdir')) {
  throw new Error(
    'the floor needs bash loadable builtins: apt-get install bash-builtins (provides /usr/lib/bash/mkdir)',
  );
}
for (const c of CTRLS)
  if (!existsSync(join(R, c, 'cgroup.procs'))) throw new Error(`no v1 ${c} hierarchy at ${R}/${c}`);

const helper = spawn('sleep', ['100000'], { stdio: 'ignore' });
const pid = helper.pid!;
const parent = await Cgroup.create(parentPath, opts);
await parent.addProcess(pid);
let round = 0;

async function ours(n: number): Promise<void> {
  const base = `${parentPath}/o${round++}`;
  for (let i = 0; i < n; i++) {
    const cg = await Cgroup.create(`${base}-${i}`, { ...opts, resources });
    await cg.addProcess(pid);
    await cg.stats();
    await cg.moveTo(parent);
    await cg.delete();
  }
}

const floorScript = join(tmpdir(), `ctrkit-cg-floor-${process.pid}.sh`);
writeFileSync(
  floorScript,
  `enable -f /usr/lib/bash/mkdir mkdir; enable -f /usr/lib/bash/rmdir rmdir
P=$1; N=$2; PID=$3; R=${R}
for ((i=0;i<N;i++)); do
  n=$P-$i
  mkdir $R/cpu/$n $R/memory/$n $R/pids/$n
  echo 512 > $R/cpu/$n/cpu.shares
  echo 100000 > $R/cpu/$n/cpu.cfs_period_us
  echo 20000 > $R/cpu/$n/cpu.cfs_quota_us
  echo 67108864 > $R/memory/$n/memory.limit_in_bytes
  echo 64 > $R/pids/$n/pids.max
  echo $PID > $R/cpu/$n/cgroup.procs; echo $PID > $R/memory/$n/cgroup.procs; echo $PID > $R/pids/$n/cgroup.procs
  mapfile s < $R/cpu/$n/cpu.stat; mapfile s < $R/memory/$n/memory.stat
  mapfile s < $R/memory/$n/memory.usage_in_bytes; mapfile s < $R/memory/$n/memory.limit_in_bytes
  mapfile s < $R/memory/$n/memory.max_usage_in_bytes; mapfile s < $R/memory/$n/memory.memsw.usage_in_bytes
  mapfile s < $R/pids/$n/pids.current; mapfile s < $R/pids/$n/pids.max
  echo $PID > $R/cpu${parentPath}/cgroup.procs; echo $PID > $R/memory${parentPath}/cgroup.procs; echo $PID > $R/pids${parentPath}/cgroup.procs
  rmdir $R/cpu/$n $R/memory/$n $R/pids/$n
done
`,
);

// The same loop with mkdir/rmdir as forked programs: what a plain shell script costs.
const forkingScript = join(tmpdir(), `ctrkit-cg-fork-${process.pid}.sh`);
writeFileSync(forkingScript, readFileSync(floorScript, 'utf8').replace(/^enable .*\n/, ''));

function floor(n: number, script = floorScript): void {
  const r = spawnSync('bash', [script, `${parentPath.slice(1)}/f${round++}`, String(n), String(pid)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`floor script failed: ${r.stderr}`);
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

function cgroupTools(n: number): void {
  const base = `${parentPath.slice(1)}/t${round++}`;
  for (let i = 0; i < n; i++) {
    const p = `${base}-${i}`;
    run('cgcreate', ['-g', `cpu,memory,pids:/${p}`]);
    run('cgset', [
      '-r',
      'cpu.shares=512',
      '-r',
      'cpu.cfs_period_us=100000',
      '-r',
      'cpu.cfs_quota_us=20000',
      '-r',
      `memory.limit_in_bytes=${64 << 20}`,
      '-r',
      'pids.max=64',
      p,
    ]);
    run('cgclassify', ['-g', `cpu,memory,pids:/${p}`, String(pid)]);
    run('cgget', ['-g', 'cpu', '-g', 'memory', '-g', 'pids', `/${p}`]);
    run('cgclassify', ['-g', `cpu,memory,pids:${parentPath}`, String(pid)]);
    // One -g per controller: `cgdelete -g a,b,c:/x` removes only the first controller's group.
    run('cgdelete', ['-g', `cpu:/${p}`, '-g', `memory:/${p}`, '-g', `pids:/${p}`]);
  }
}

const REPS_INTERLEAVED = 7;

function merge(samples: readonly Sample[]): Sample {
  const all = samples.flatMap((x) => x.samples);
  const sorted = [...all].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, samples: all };
}

const perCgroup = (s: Sample, n: number): Sample => ({
  median: s.median / n,
  min: s.min / n,
  max: s.max / n,
  samples: s.samples.map((x) => x / n),
});

try {
  // Ours and the floor alternate rep by rep, so both see the same load on the shared machine.
  const os: Sample[] = [];
  const fs: Sample[] = [];
  for (let r = 0; r < REPS_INTERLEAVED; r++) {
    os.push(await measure(() => ours(N), { warmup: r === 0 ? 1 : 0, reps: 1 }));
    fs.push(await measure(() => floor(N), { warmup: r === 0 ? 1 : 0, reps: 1 }));
  }
  const o = perCgroup(merge(os), N);
  const f = perCgroup(merge(fs), N);
  const k = perCgroup(await measure(() => floor(N_TOOLS, forkingScript), { warmup: 0, reps: REPS }), N_TOOLS);
  const t = perCgroup(await measure(() => cgroupTools(N_TOOLS), { warmup: 0, reps: REPS }), N_TOOLS);
  report({
    name: 'cgroups-lifecycle',
    description: `per-cgroup lifecycle (ms per cgroup): create in cpu+memory+pids v1, set cpu shares/period/quota + memory limit + pids.max, attach a process, read stats, move it back, delete; ${N} cgroups per run (${N_TOOLS} for the forking shell loop and cgroup-tools)`,
    inputs: {
      cgroups: N,
      cgroupToolsCgroups: N_TOOLS,
      reps: REPS,
      interleavedReps: REPS_INTERLEAVED,
      controllers: CTRLS,
      resources,
    },
    ours: o,
    peers: { 'bash-builtins-floor': f, 'bash-forking-mkdir': k, 'cgroup-tools': t },
    goals: { 'ours/bash-builtins-floor': '<= 1.5', 'ours per cgroup': '<= ~1.4 ms' },
  });

  // stats() of 1,000 existing cgroups, against cgget on the same cgroups.
  const many: Cgroup[] = [];
  for (let i = 0; i < N; i++) many.push(await Cgroup.create(`${parentPath}/s${i}`, { ...opts, resources }));
  const st = await measure(
    async () => {
      for (const cg of many) await cg.stats();
    },
    { warmup: 1, reps: 5 },
  );
  const cgget = await measure(
    () => {
      for (let i = 0; i < N_TOOLS; i++)
        run('cgget', ['-g', 'cpu', '-g', 'memory', '-g', 'pids', `${parentPath}/s${i}`]);
    },
    { warmup: 0, reps: 3 },
  );
  const scaled = (s: Sample): Sample => ({
    median: (s.median * N) / N_TOOLS,
    min: (s.min * N) / N_TOOLS,
    max: (s.max * N) / N_TOOLS,
    samples: s.samples.map((x) => (x * N) / N_TOOLS),
  });
  report({
    name: 'cgroups-stats',
    description: `stats() of ${N} cgroups (cpu+memory+pids v1), total ms; cgget timed on ${N_TOOLS} and scaled to ${N}`,
    inputs: { cgroups: N, cgroupToolsCgroups: N_TOOLS },
    ours: st,
    peers: { 'cgroup-tools-cgget': scaled(cgget) },
    goals: { 'ours total': '<= 200 ms' },
  });
  for (const cg of many) await cg.delete();
} finally {
  helper.kill('SIGKILL');
  await new Promise((r) => helper.once('exit', r));
  await parent.delete({ timeoutMs: 10_000 });
  for (const c of CTRLS) if (existsSync(join(R, c, parentPath))) rmdirSync(join(R, c, parentPath));
  rmSync(floorScript, { force: true });
  rmSync(forkingScript, { force: true });
}
