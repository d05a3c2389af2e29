// Open single-server queues. Pollaczek–Khinchine gives the mean wait of M/G/1 from the
// first two moments of service: Wq = ρ·E[S]·(1 + C²)/(2(1 − ρ)). C² = 1 is M/M/1
// (R = S/(1 − ρ)), C² = 0 is M/D/1. Random HDD service has C² ≈ 0.1–0.3 (see scvOf),
// so M/M/1 overstates disk queueing.
import { inspect } from 'node:util';
import { checkNumber, DiskperfError } from './errors.js';

export interface QueueInput {
  /** Mean service time E[S] in ms. */
  readonly meanService: number;
  /** Offered load ρ = λ·E[S] in [0, 1). Give this or `arrivalRate`. */
  readonly utilization?: number;
  /** Arrivals per second (λ). */
  readonly arrivalRate?: number;
}

export interface MG1Input extends QueueInput {
  /** Squared coefficient of variation of service, Var[S]/E[S]². */
  readonly scv: number;
}

/** Steady-state means of an open queue; times in ms. */
export interface QueueResult {
  readonly model: 'M/M/1' | 'M/D/1' | 'M/G/1';
  readonly utilization: number;
  readonly meanService: number;
  readonly scv: number;
  /** Mean wait in queue Wq (ms). */
  readonly wait: number;
  /** Mean response R = E[S] + Wq (ms). */
  readonly response: number;
  /** Mean number waiting, Lq = λ·Wq. */
  readonly queueLength: number;
  /** Mean number in system, L = λ·R (Little). */
  readonly inSystem: number;
  /** Completions per second (= λ). */
  readonly throughput: number;
}

class Queue implements QueueResult {
  constructor(
    readonly model: QueueResult['model'],
    readonly utilization: number,
    readonly meanService: number,
    readonly scv: number,
    readonly wait: number,
    readonly response: number,
    readonly queueLength: number,
    readonly inSystem: number,
    readonly throughput: number,
  ) {}

  [inspect.custom](): string {
    return `${this.model}<ρ=${this.utilization.toFixed(3)} S=${this.meanService.toFixed(3)} ms → R=${this.response.toFixed(3)} ms, L=${this.inSystem.toFixed(3)}, ${this.throughput.toFixed(1)} IOPS>`;
  }
}

function solve(model: QueueResult['model'], input: QueueInput, scv: number): QueueResult {
  const S = checkNumber('meanService', input.meanService, Number.MIN_VALUE);
  let rho: number;
  if (input.utilization !== undefined) {
    rho = checkNumber('utilization', input.utilization, 0);
  } else if (input.arrivalRate !== undefined) {
    rho = (checkNumber('arrivalRate', input.arrivalRate, 0) * S) / 1000;
  } else {
    throw new DiskperfError('ERR_INVALID_ARG_VALUE', `${model}: give "utilization" (ρ) or "arrivalRate" (per second)`);
  }
  if (rho >= 1) {
    throw new DiskperfError(
      'ERR_UNSTABLE_QUEUE',
      `${model}: utilization ρ = ${rho.toFixed(4)} ≥ 1 has no steady state (the queue grows without bound); lower the arrival rate below ${(1000 / S).toFixed(2)}/s`,
    );
  }
  const lambda = rho / S; // per ms
  const wait = (rho * S * (1 + scv)) / (2 * (1 - rho));
  const response = S + wait;
  return new Queue(model, rho, S, scv, wait, response, lambda * wait, lambda * response, lambda * 1000);
}

/** M/M/1: exponential service; R = S/(1 − ρ). */
export function mm1(input: QueueInput): QueueResult {
  return solve('M/M/1', input, 1);
}

/** M/D/1: constant service; R = S + ρS/(2(1 − ρ)). */
export function md1(input: QueueInput): QueueResult {
  return solve('M/D/1', input, 0);
}

/** M/G/1 by Pollaczek–Khinchine, with the service's squared coefficient of variation. */
export function mg1(input: MG1Input): QueueResult {
  return solve('M/G/1', input, checkNumber('scv', input.scv, 0));
}
