// Namespaces without ever moving a JS or libuv thread: every setns/unshare runs on a
// short-lived native thread that exits afterwards (shared/reference/netns.md §1).
import { closeSync, readlinkSync } from 'node:fs';
import { native } from './binding.js';
import { CLONE } from './constants.js';
import { checkNsRef, type NsRef } from './ns-ref.js';
import { checkFlags, checkMode, checkPath, typeError, valueError } from './validate.js';

/** Where iproute2 keeps named network namespaces. */
export const NETNS_RUN_DIR = '/run/netns';

const KINDS = { net: CLONE.NEWNET, mnt: CLONE.NEWNS, uts: CLONE.NEWUTS, ipc: CLONE.NEWIPC } as const;

/** A namespace kind createNamespaceFd can make. */
export type NamespaceKind = keyof typeof KINDS;

function checkNetnsName(name: unknown): string {
  if (typeof name !== 'string') throw typeError('name', 'of type string', name);
  if (name.length === 0 || name.length > 255 || name === '.' || name === '..' || /[/\0]/.test(name)) {
    throw valueError('name', name, 'must be a netns name (1-255 characters, no "/", not "." or "..")');
  }
  return name;
}

/**
 * Opens `path` from inside namespace `ns`, e.g. a `/proc/sys/net/...` file of a pod's
 * netns: the fd keeps reading and writing that namespace's values from any thread.
 */
export function openInNamespace(ns: NsRef, path: string, flags: number, mode = 0): Promise<number> {
  return native().openInNamespaceAsync(
    checkNsRef('ns', ns),
    checkPath('path', path),
    checkFlags('flags', flags),
    checkMode('mode', mode),
  );
}

/**
 * Creates a named network namespace like `ip netns add NAME`: a fresh netns bind-mounted
 * on /run/netns/NAME (visible to `ip netns`). Returns the path. EEXIST if taken.
 */
export async function createNetns(name: string): Promise<string> {
  const path = `${NETNS_RUN_DIR}/${checkNetnsName(name)}`;
  closeSync(await native().createNetnsAsync(NETNS_RUN_DIR, path));
  return path;
}

/**
 * As createNetns, on the calling thread, and returns an fd of the new namespace (close
 * it when done; the namespace stays while it is mounted). The thread waits while a
 * dedicated thread unshares (~0.5 ms of kernel work), but skips the trip through the
 * libuv pool, which adds 0.02-0.15 ms on this 2-core VM depending on how long the pool's
 * threads had slept (bench/src/sys-namespace.bench.ts).
 */
export function createNetnsFdSync(name: string): number {
  return native().createNetns(NETNS_RUN_DIR, `${NETNS_RUN_DIR}/${checkNetnsName(name)}`);
}

/** Deletes a named network namespace like `ip netns delete NAME` (lazy unmount + unlink). */
export function deleteNetns(name: string): Promise<void> {
  return native().deleteNetnsAsync(`${NETNS_RUN_DIR}/${checkNetnsName(name)}`);
}

function cloneFlag(kind: NamespaceKind): number {
  const flag = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
  if (flag === undefined) throw valueError('kind', kind, `must be one of ${Object.keys(KINDS).join(', ')}`);
  return flag;
}

/** A new anonymous namespace of `kind`, held only by the returned fd (close it to drop it). */
export function createNamespaceFd(kind: NamespaceKind): Promise<number> {
  return native().unshareFdAsync(cloneFlag(kind), kind);
}

/** createNamespaceFd on the calling thread (see createNetnsFdSync for the trade). */
export function createNamespaceFdSync(kind: NamespaceKind): number {
  return native().unshareFd(cloneFlag(kind), kind);
}

/** The calling thread's namespace of `kind`, e.g. 'net:[4026531840]' (for safety checks). */
export function currentNamespace(kind: string): string {
  if (!/^[a-z_]+$/.test(String(kind))) throw valueError('kind', kind, 'must be a namespace kind such as "net"');
  return readlinkSync(`/proc/thread-self/ns/${kind}`);
}
