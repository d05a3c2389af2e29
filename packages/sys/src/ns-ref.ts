// A namespace named by path (/run/netns/x, /proc/PID/ns/net) or by an open fd.
import { checkFd, checkPath, typeError } from './validate.js';

/** A namespace: a path such as `/run/netns/x` or `/proc/PID/ns/net`, or an fd of one. */
export type NsRef = string | number;

export function checkNsRef(name: string, value: unknown): string | number {
  if (typeof value === 'string') return checkPath(name, value);
  if (typeof value === 'number') return checkFd(name, value);
  throw typeError(name, 'a namespace path (string) or fd (number)', value);
}
