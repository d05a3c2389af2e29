// Deterministic host-side interface names, as Calico does (`cali` + 11 hex of a hash):
// the same pod always gets the same name, so a stale veth can be found and replaced.
import { createHash } from 'node:crypto';
import { Netns } from '../netns.js';
import type { NsArg } from './steps.js';

export function hostIfNameFor(prefix: string, podNs: NsArg, podIfName: string): string {
  const key = `${podNs instanceof Netns ? podNs.path : podNs}\0${podIfName}`;
  return `${prefix}${createHash('sha1').update(key).digest('hex')}`.slice(0, 15);
}
