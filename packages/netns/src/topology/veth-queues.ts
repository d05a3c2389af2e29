// Queue counts for the veths the pod topologies create. A pod's veth uses one tx and one
// rx queue unless ethtool changes that, so the topologies ask for one of each, as Calico's
// CNI plugin does (`num_queues`), instead of the kernel's one per possible CPU (Linux
// 5.15+), which makes creation pay for queues nobody uses (bench/src/netns-wire.bench.ts).
import type { LinkQueues } from '../codec/link-codec.js';
import { invalid } from '../errors.js';

export function vethQueues(queues: number | undefined): LinkQueues {
  const n = queues ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 4096) throw invalid('queues', queues, 'use an integer from 1 to 4096');
  return { numTxQueues: n, numRxQueues: n };
}
