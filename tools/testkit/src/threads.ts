// Checks that no thread of this process has been moved into another namespace.
// setns(2) changes only the calling thread; a JS or libuv thread left in a pod's
// namespace would silently send later work there (shared/reference/netns.md).
import { readdirSync, readlinkSync } from 'node:fs';

/** The namespace of `kind` ('net', 'mnt', ...) of each thread of this process, by tid. */
export function threadNamespaces(kind: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      out.set(Number(tid), readlinkSync(`/proc/self/task/${tid}/ns/${kind}`));
    } catch {
      // The thread exited between readdir and readlink.
    }
  }
  return out;
}

/** Thread ids whose namespace of `kind` differs from the main thread's (the process leader's). */
export function threadsOutsideNamespace(
  kind: string,
  expected = readlinkSync(`/proc/${process.pid}/ns/${kind}`),
): number[] {
  return [...threadNamespaces(kind)].filter(([, ns]) => ns !== expected).map(([tid]) => tid);
}
