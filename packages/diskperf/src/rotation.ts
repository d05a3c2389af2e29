// Rotation: one revolution takes 60 000 / rpm ms; a random request waits half of it on average.
import { checkNumber } from './errors.js';

/** Milliseconds per revolution at `rpm` (5400 rpm → 11.111 ms). */
export function revolutionTime(rpm: number): number {
  checkNumber('rpm', rpm, 1, 1e6);
  return 60_000 / rpm;
}

/** Average rotational latency in ms: half a revolution (5400 rpm → 5.556 ms, 7200 → 4.1667 ms). */
export function rotationalLatency(rpm: number): number {
  return revolutionTime(rpm) / 2;
}
