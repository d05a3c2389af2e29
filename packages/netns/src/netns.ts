// Network namespaces: named ones under /run/netns (iproute2-compatible: `ip netns list`
// sees them) and anonymous ones held only by an fd. The unshare happens on a dedicated
// native thread inside @ctrkit/sys; no JS or libuv thread ever changes namespace.
import { closeSync, openSync, readdirSync, statfsSync } from 'node:fs';
import { inspect } from 'node:util';
import { invalid, NetnsError } from './errors.js';
import { loadSys } from './internal/sys.js';

export const NETNS_RUN_DIR = '/run/netns';
const NSFS_MAGIC = 0x6e736673;
const PROC_SUPER_MAGIC = 0x9fa0;

function validateName(name: string): void {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > 255 ||
    name.includes('/') ||
    name === '.' ||
    name === '..'
  ) {
    throw invalid('namespace name', name, 'use a plain file name (no "/"), as `ip netns add` does');
  }
}

function openChecked(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new NetnsError('ERR_NETNS_NOT_FOUND', `network namespace ${path} does not exist (see \`ip netns list\`)`, {
        cause: err,
      });
    }
    throw err;
  }
  // As CNI's IsNSorErr: refuse a path that is not an nsfs/procfs namespace file.
  const type = Number(statfsSync(path).type);
  if (type !== NSFS_MAGIC && type !== PROC_SUPER_MAGIC) {
    closeSync(fd);
    throw new NetnsError(
      'ERR_NOT_A_NETNS',
      `${path} is not a namespace file (filesystem magic 0x${type.toString(16)}, expected nsfs)`,
    );
  }
  return fd;
}

export class Netns {
  /** The name under /run/netns, for named namespaces. */
  readonly name: string | undefined;
  /** A path that refers to the namespace (/run/netns/NAME, or /proc/PID/fd/N for anonymous ones). */
  readonly path: string;
  private fdValue: number | undefined;

  private constructor(name: string | undefined, path: string, fd: number) {
    this.name = name;
    this.path = path;
    this.fdValue = fd;
  }

  /** An open fd of the namespace (O_RDONLY), usable as IFLA_NET_NS_FD and with setns. */
  get fd(): number {
    if (this.fdValue === undefined)
      throw new NetnsError('ERR_NETNS_NOT_FOUND', `network namespace ${this.path} was closed or deleted`);
    return this.fdValue;
  }

  get closed(): boolean {
    return this.fdValue === undefined;
  }

  /**
   * Creates a namespace. With a name: `/run/netns/NAME`, as `ip netns add NAME`.
   * Without: an anonymous namespace that lives as long as its fd (or something inside it).
   * The event loop waits for the kernel's work (~0.5 ms; longer while the RTNL is busy),
   * as it does for an rtnetlink request.
   */
  static async create(name?: string): Promise<Netns> {
    const sys = await loadSys();
    // Both on the calling thread, which waits while a dedicated native thread unshares
    // (~0.5 ms of kernel work): the libuv pool's round trip would add up to 0.15 ms to that
    // (bench/src/sys-namespace.bench.ts). A named one's mount point is made meanwhile.
    if (name === undefined) {
      const fd = sys.createNamespaceFdSync('net');
      return new Netns(undefined, `/proc/${process.pid}/fd/${fd}`, fd);
    }
    validateName(name);
    return new Netns(name, `${NETNS_RUN_DIR}/${name}`, sys.createNetnsFdSync(name));
  }

  /** Opens `NAME` (under /run/netns) or a path (/proc/PID/ns/net, a bind mount elsewhere). */
  static async open(nameOrPath: string): Promise<Netns> {
    if (typeof nameOrPath !== 'string' || nameOrPath.length === 0)
      throw invalid('namespace', nameOrPath, 'give a name or a path');
    if (nameOrPath.includes('/')) return new Netns(undefined, nameOrPath, openChecked(nameOrPath));
    validateName(nameOrPath);
    const path = `${NETNS_RUN_DIR}/${nameOrPath}`;
    return new Netns(nameOrPath, path, openChecked(path));
  }

  /** The caller's own namespace (the process's, i.e. the main thread's). */
  static async current(): Promise<Netns> {
    return new Netns(undefined, `/proc/${process.pid}/ns/net`, openChecked(`/proc/${process.pid}/ns/net`));
  }

  /** Names under /run/netns, as `ip netns list`. */
  static async list(): Promise<string[]> {
    try {
      return readdirSync(NETNS_RUN_DIR).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Closes this object's fd; the namespace itself stays if it is named or still in use. */
  close(): void {
    if (this.fdValue === undefined) return;
    closeSync(this.fdValue);
    this.fdValue = undefined;
  }

  /**
   * Closes the fd and, for a named namespace, unmounts and removes /run/netns/NAME (as
   * `ip netns del`). The kernel destroys the namespace, and the veths inside it, once
   * nothing else holds it — asynchronously, ~30 ms later. Idempotent.
   */
  async delete(): Promise<void> {
    this.close();
    if (this.name === undefined) return;
    const sys = await loadSys();
    try {
      await sys.deleteNetns(this.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  [inspect.custom](): string {
    return `Netns ${this.name ?? '(anonymous)'} ${this.path}${this.closed ? ' (closed)' : ` fd ${this.fdValue}`}`;
  }
}
