// The seed's evaluation, step by step: per-I/O time T = seek + rotation + transfer,
// IOPS = 1/T, mean response R = T/(1-ρ) with its knee near 70%, then the catalogue.
import {
  drives,
  iops,
  KiB,
  knee,
  MiB,
  md1,
  mg1,
  mm1,
  responseCurve,
  rotationalLatency,
  scvOf,
  serviceTime,
  unitConventions,
  unitScale,
} from '@ctrkit/diskperf';

const f = (x: number, d = 3) => x.toFixed(d);

export function seedExample(): string {
  const out: string[] = [];
  out.push('The seed example: 7200 rpm, 5 ms average seek, 40 MB/s, 32 KB requests');
  const rot = rotationalLatency(7200);
  out.push(`  rotation: half a revolution = 60000 / 7200 / 2 = ${f(rot, 4)} ms`);
  for (const c of unitConventions) {
    const u = unitScale(c);
    const size = 32 * u.KB;
    const rate = 40 * u.MB;
    const s = serviceTime({ rpm: 7200, averageSeek: 5, transferRate: rate }, { size });
    out.push(
      `  ${c.padEnd(7)}: transfer ${size} B / ${rate} B/s = ${f(s.transfer, 4)} ms; T = 5 + ${f(rot, 4)} + ${f(s.transfer, 4)} = ${f(s.total)} ms; IOPS = 1000 / T = ${f(1000 / s.total, 2)}`,
    );
  }
  const seed = serviceTime({ rpm: 7200, averageSeek: 5, transferRate: MiB(40) }, { size: KiB(32) }).total;
  out.push('', `Queueing on T = ${f(seed)} ms (binary units): R = T / (1 - ρ) for M/M/1`);
  out.push('   ρ     M/M/1     M/D/1');
  for (const rho of [0.5, 0.7, 0.8, 0.9]) {
    out.push(
      `  ${f(rho, 1)}  ${f(mm1({ meanService: seed, utilization: rho }).response, 2).padStart(8)}  ${f(md1({ meanService: seed, utilization: rho }).response, 2).padStart(8)}  ms`,
    );
  }
  const k = knee(responseCurve(seed));
  out.push(`  knee of the M/M/1 curve: ρ = ${f(k.utilization, 2)} (R = ${f(k.response, 2)} ms)`);
  return out.join('\n');
}

export function catalogueTable(): string {
  const rows = [['drive', 'rpm', 'seek', 'T(4K)', 'IOPS', 'R@70% M/M/1', 'R@70% M/G/1', 'C²']];
  for (const d of Object.values(drives)) {
    const s = serviceTime(d, { size: KiB(4) });
    const scv = scvOf(d, { size: KiB(4) });
    rows.push([
      `${d.vendor} ${d.model}`,
      String(d.rpm),
      f(d.seek.readAvg, 1),
      f(s.total, 2),
      f(iops(d, { size: KiB(4) }), 1),
      f(mm1({ meanService: s.total, utilization: 0.7 }).response, 2),
      f(mg1({ meanService: s.total, scv, utilization: 0.7 }).response, 2),
      f(scv, 3),
    ]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')).join('\n');
}
