// --live DEVICE: samples /proc/diskstats like `iostat -dx` and sets the measured
// response time beside what the M/M/1 model predicts at the measured utilisation,
// taking the measured service time (util / IOPS) as the model's T.
import { sampleDiskstats } from '@ctrkit/diskperf';

export async function live(device: string, intervalMs: number, count: number): Promise<string[]> {
  const lines = ['  r/s     w/s   r_await  w_await  aqu-sz  %util   T(meas)  R(meas)  R(M/M/1)'];
  for (let i = 0; i < count; i++) {
    const s = await sampleDiskstats(device, intervalMs);
    const ios = s['r/s'] + s['w/s'];
    const util = Math.min(s['%util'], 100) / 100;
    const service = ios > 0 ? (util * 1000) / ios : 0;
    const measured = ios > 0 ? (s.r_await * s['r/s'] + s.w_await * s['w/s']) / ios : 0;
    const predicted = util < 1 && service > 0 ? service / (1 - util) : Number.NaN;
    lines.push(
      [s['r/s'], s['w/s'], s.r_await, s.w_await, s['aqu-sz'], s['%util'], service, measured, predicted]
        .map((v, j) => (Number.isFinite(v) ? v.toFixed(j < 2 ? 1 : 2) : '-').padStart(j === 0 ? 5 : 8))
        .join(' '),
    );
  }
  return lines;
}
