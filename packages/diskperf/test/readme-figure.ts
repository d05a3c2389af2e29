// The README's response-time figure, built from the seed example. Shared by the test that
// keeps the committed SVG in step with the code (UPDATE_FIGURES=1 rewrites it).
import {
  drives,
  KiB,
  knee,
  MiB,
  plotSvg,
  responseCurve,
  schedulers,
  scvOf,
  serviceTime,
  simulateSync,
} from '../src/index.js';

export function readmeFigure(): string {
  const S = serviceTime({ rpm: 7200, averageSeek: 5, transferRate: MiB(40) }, { size: KiB(32) }).total; // 9.948 ms
  const mm1Curve = responseCurve(S);
  const disk = drives['seagate-exos-x24'];
  const scv = disk ? scvOf(disk, { size: KiB(4) }) : 0.1;
  return plotSvg('response', {
    title: `Seed example: S = ${S.toFixed(3)} ms (5 ms seek, 7200 rpm, 32 KiB at 40 MiB/s)`,
    curves: [
      { label: 'M/M/1: R = S/(1−ρ)', points: mm1Curve },
      {
        label: `M/G/1, C² = ${scv.toFixed(2)} (random 4 KiB on an Exos X24)`,
        points: responseCurve({ meanService: S, scv }),
      },
      { label: 'M/D/1: constant service', points: responseCurve({ meanService: S, scv: 0 }) },
    ],
    knee: knee(mm1Curve),
  });
}

/** IOPS vs queue depth per scheduler for the Exos X24 (random 4 KiB reads, full stroke). */
export function depthFigure(): string {
  const drive = drives['seagate-exos-x24'];
  if (!drive) throw new Error('catalogue drive missing');
  const series = schedulers.map((scheduler) => ({
    label: scheduler,
    points: [1, 2, 4, 8, 16, 32].map((depth) => ({
      depth,
      iops: simulateSync({ drive, scheduler, workload: { arrival: { kind: 'closed', depth } }, ios: 20_000, seed: 1 })
        .iops,
    })),
  }));
  return plotSvg('iops-depth', {
    title: 'Seagate Exos X24, random 4 KiB reads: IOPS vs requests outstanding (simulated)',
    series,
  });
}
