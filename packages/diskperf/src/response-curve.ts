// Response time against utilisation, and where its knee is. The knee is found the way
// Kneedle (Satopää et al., 2011) does: normalise both axes of the plotted range to
// [0, 1] and take the point farthest below the chord. It therefore depends on the
// range plotted; over the default 0…0.9 an M/M/1 curve's knee falls at ρ ≈ 0.68–0.7,
// the seed's "knee near 70%".
import { checkNumber, DiskperfError } from './errors.js';
import { mg1 } from './queueing.js';

export interface CurvePoint {
  readonly utilization: number;
  /** Mean response time in ms. */
  readonly response: number;
}

export interface ResponseCurveOptions {
  /** @default 0 */
  readonly from?: number;
  /** @default 0.9 */
  readonly to?: number;
  /** @default 0.01 */
  readonly step?: number;
}

/** Service as a mean (ms, taken as M/M/1) or as M/G/1 moments. */
export type ServiceInput = number | { readonly meanService: number; readonly scv?: number };

/** Mean response at each utilisation from `from` to `to` (inclusive) by `step`, via M/G/1. */
export function responseCurve(service: ServiceInput, options: ResponseCurveOptions = {}): CurvePoint[] {
  const meanService = typeof service === 'number' ? service : service.meanService;
  const scv = typeof service === 'number' ? 1 : (service.scv ?? 1);
  const from = checkNumber('from', options.from ?? 0, 0, 1);
  const to = checkNumber('to', options.to ?? 0.9, from, 1);
  const step = checkNumber('step', options.step ?? 0.01, 1e-6, 1);
  if (to >= 1)
    throw new DiskperfError(
      'ERR_UNSTABLE_QUEUE',
      `responseCurve: "to" must be below 1 (ρ = ${to} has no steady state)`,
    );
  const out: CurvePoint[] = [];
  const n = Math.floor((to - from) / step + 1e-9);
  for (let i = 0; i <= n; i++) {
    const utilization = Number((from + i * step).toFixed(12));
    out.push({ utilization, response: mg1({ meanService, scv, utilization }).response });
  }
  return out;
}

/** The knee of an increasing convex curve: the point farthest below its normalised chord. */
export function knee(curve: readonly CurvePoint[]): CurvePoint {
  if (curve.length < 3)
    throw new DiskperfError('ERR_INVALID_ARG_VALUE', `knee: need at least 3 points, got ${curve.length}`);
  const first = curve[0] as CurvePoint;
  const last = curve[curve.length - 1] as CurvePoint;
  const dx = last.utilization - first.utilization;
  const dy = last.response - first.response;
  if (!(dx > 0) || !(dy > 0))
    throw new DiskperfError('ERR_INVALID_ARG_VALUE', 'knee: the curve must increase in both utilization and response');
  let best = first;
  let bestGap = Number.NEGATIVE_INFINITY;
  for (const p of curve) {
    const gap = (p.utilization - first.utilization) / dx - (p.response - first.response) / dy;
    if (gap > bestGap) {
      bestGap = gap;
      best = p;
    }
  }
  return best;
}
