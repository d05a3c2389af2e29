// The SVG figures: response time vs utilisation for the seed drive (knee marked) and
// simulated IOPS vs queue depth per scheduler for a modern 7200 rpm drive.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  drive,
  KiB,
  knee,
  MiB,
  mg1,
  plotSvg,
  responseCurve,
  type Scheduler,
  serviceTime,
  simulateSync,
} from '@ctrkit/diskperf';

export const QUEUE_DRIVE = 'seagate-exos-x24';

export async function writePlots(dir: string, ios = 20_000): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const seed = serviceTime({ rpm: 7200, averageSeek: 5, transferRate: MiB(40) }, { size: KiB(32) }).total;
  const mm1 = responseCurve(seed);
  // Disk service is far less variable than exponential; C² ≈ 0.1 for random reads.
  const mg1Points = mm1.map((p) => ({
    utilization: p.utilization,
    response: mg1({ meanService: seed, scv: 0.1, utilization: p.utilization }).response,
  }));
  const response = plotSvg('response', {
    title: `Seed drive (T = ${seed.toFixed(3)} ms): response time vs utilisation`,
    curves: [
      { label: 'M/M/1: T/(1-ρ)', points: mm1 },
      { label: 'M/G/1, C² = 0.1', points: mg1Points },
    ],
    knee: knee(mm1),
  });
  const d = drive(QUEUE_DRIVE);
  const schedulers: Scheduler[] = ['fcfs', 'sstf', 'elevator', 'sptf'];
  const depths = [1, 2, 4, 8, 16, 32];
  const series = schedulers.map((s) => ({
    label: s.toUpperCase(),
    points: depths.map((depth) => ({
      depth,
      iops: simulateSync({
        drive: d,
        scheduler: s,
        workload: { size: KiB(4), arrival: { kind: 'closed', depth } },
        ios,
        seed: 1,
      }).iops,
    })),
  }));
  const depth = plotSvg('iops-depth', {
    title: `${d.vendor} ${d.model}: random 4 KiB reads, IOPS vs queue depth`,
    series,
  });
  const files = [join(dir, 'response-time.svg'), join(dir, 'iops-vs-depth.svg')];
  await writeFile(files[0]!, response);
  await writeFile(files[1]!, depth);
  return files;
}
