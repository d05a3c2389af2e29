// A timer that an AbortSignal can cut short (rejecting with the signal's own reason).
import { setTimeout as delay } from 'node:timers/promises';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : undefined).catch((err) => {
    if (signal?.aborted) throw signal.reason;
    throw err;
  });
}

/** A deadline `timeoutMs` from now, and whether it has passed. */
export function deadline(timeoutMs: number): () => boolean {
  const end = performance.now() + timeoutMs;
  return () => performance.now() >= end;
}
