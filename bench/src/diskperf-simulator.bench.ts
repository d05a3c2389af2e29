// Simulator speed: simulated I/Os per second of wall time, FCFS at depth 1 and SPTF at
// depth 32 on a catalogue drive (geometry, zoned layout, fitted seek curve). No peer
// simulator is packaged for Debian (DiskSim is 1990s C with its own build), so the
// figures are absolute and checked against the goals.
import { drives, simulateSync } from '@ctrkit/diskperf';
import { measure, report } from './harness.js';

const drive = drives['seagate-exos-x24'];
if (!drive) throw new Error('catalogue drive missing');

const FCFS_IOS = 1_000_000;
const SPTF_IOS = 200_000;
// Each run once: timed by wall clock (median of 5 after a warm-up) and by CPU time.
const runs = {
  fcfs: () =>
    simulateSync({
      drive,
      scheduler: 'fcfs',
      workload: { arrival: { kind: 'closed', depth: 1 } },
      ios: FCFS_IOS,
      seed: 1,
    }),
  sptf: () =>
    simulateSync({
      drive,
      scheduler: 'sptf',
      workload: { arrival: { kind: 'closed', depth: 32 } },
      ios: SPTF_IOS,
      seed: 1,
    }),
  expo: () =>
    simulateSync({
      service: { kind: 'exponential', mean: 10 },
      workload: { arrival: { kind: 'poisson', rate: 80 } },
      ios: FCFS_IOS,
      seed: 1,
    }),
};
const fcfs = await measure(runs.fcfs, { warmup: 1, reps: 5 });
const sptf = await measure(runs.sptf, { warmup: 1, reps: 5 });
const expo = await measure(runs.expo, { warmup: 1, reps: 5 });

const perSecond = (ios: number, ms: number) => Math.round((ios / ms) * 1000);
// On a shared machine wall time includes waiting for a core; CPU time is what the run cost.
const cpuRate = (ios: number, run: () => unknown) => {
  const c0 = process.cpuUsage();
  run();
  const c = process.cpuUsage(c0);
  return Math.round(ios / ((c.user + c.system) / 1e6));
};
const fcfsCpu = cpuRate(FCFS_IOS, runs.fcfs);
const sptfCpu = cpuRate(SPTF_IOS, runs.sptf);
const extra = {
  fcfsGeometryIosPerSecond: perSecond(FCFS_IOS, fcfs.median),
  sptfDepth32IosPerSecond: perSecond(SPTF_IOS, sptf.median),
  exponentialPoissonIosPerSecond: perSecond(FCFS_IOS, expo.median),
  fcfsGeometryIosPerCpuSecond: fcfsCpu,
  sptfDepth32IosPerCpuSecond: sptfCpu,
  loadAverage: (await import('node:os')).loadavg(),
  sptfMs: sptf,
  exponentialMs: expo,
  note: 'ours = FCFS with geometry at depth 1 (1e6 I/Os); no packaged peer simulator exists, so peers is empty and the goals are absolute',
};
report({
  name: 'diskperf-simulator',
  description: `simulateSync on ${drive.id}: FCFS depth 1 (${FCFS_IOS} I/Os), SPTF depth 32 (${SPTF_IOS} I/Os), exponential M/M/1 (${FCFS_IOS} I/Os)`,
  inputs: { drive: drive.id, fcfsIos: FCFS_IOS, sptfIos: SPTF_IOS, ioSize: 4096 },
  ours: fcfs,
  peers: {},
  goals: { fcfsGeometryIosPerSecond: '>= 1000000', sptfDepth32IosPerSecond: '>= 200000' },
  extra,
});
console.log(
  `  FCFS: ${extra.fcfsGeometryIosPerSecond} I/Os/s (${fcfsCpu} per CPU-s); SPTF@32: ${extra.sptfDepth32IosPerSecond} I/Os/s (${sptfCpu} per CPU-s); exponential: ${extra.exponentialPoissonIosPerSecond} I/Os/s; load ${extra.loadAverage.map((x) => x.toFixed(1)).join(' ')}`,
);
