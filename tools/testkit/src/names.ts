// Unique, short names for everything a test creates. The same machine may run other
// test suites at once, so names carry the pid and a counter and are cleaned up by name.
import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * A name unique to this process: `ctk<tag><pid base36><counter><random>`, at most
 * `max` characters (15 by default: Linux interface names are limited to IFNAMSIZ-1).
 */
export function uniqueName(tag = '', max = 15): string {
  counter += 1;
  const base = `ctk${tag}${process.pid.toString(36)}${counter.toString(36)}`;
  const rand = randomBytes(4).toString('hex');
  const name = `${base}${rand}`;
  if (base.length > max) throw new Error(`testkit: tag ${JSON.stringify(tag)} too long for ${max} characters`);
  return name.slice(0, max);
}
