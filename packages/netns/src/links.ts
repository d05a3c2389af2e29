// `rt.links`: RTM_*LINK operations on one namespace, iproute2 verbs with names or indexes.
import { closeSync, readSync, writeSync } from 'node:fs';
import type { InetConf, LinkAddRequest, LinkKind, LinkQueues, NetnsTarget } from './codec/link-codec.js';
import {
  decodeLink,
  encodeInetConf,
  encodeLinkAdd,
  encodeLinkDel,
  encodeLinkDump,
  encodeLinkGet,
  encodeLinkSet,
  validateIfName,
} from './codec/link-codec.js';
import type { NetlinkConnection } from './connection.js';
import { invalid, isNetlinkErrno, NetnsError } from './errors.js';
import { loadSys, type NsRef } from './internal/sys.js';
import { type Link, toLink } from './models.js';
import { Netns } from './netns.js';

export type LinkRef = string | number;
/** A namespace to move a link into: a Netns, an fd, or `{ pid }`. */
export type NetnsArg = Netns | number | { readonly pid: number };

export interface LinkAddOptions extends Omit<LinkAddRequest, 'master' | 'netns' | 'link' | 'peer'> {
  readonly kind: LinkKind;
  readonly master?: LinkRef;
  /** Create the link directly in that namespace. */
  readonly netns?: NetnsArg;
  /** Underlay (macvlan; for ipip and vxlan use `ipip.link` / `vxlan.link` as an ifindex). */
  readonly link?: LinkRef;
  /** veth: the other end, optionally created directly in another namespace. */
  readonly peer?: LinkQueues & {
    readonly name: string;
    readonly netns?: NetnsArg;
    readonly mtu?: number;
    readonly address?: string;
  };
}

export interface LinkSetOptions {
  readonly up?: boolean;
  readonly mtu?: number;
  /** A bridge to enslave to; `null` detaches (`nomaster`). */
  readonly master?: LinkRef | null;
  readonly netns?: NetnsArg;
  /** New name. */
  readonly name?: string;
  readonly address?: string;
}

/** sysctls under net/ipv4/neigh/<dev>/ that have no rtnetlink devconf entry. */
export type NeighConf = Partial<
  Record<'proxy_delay' | 'base_reachable_time_ms' | 'gc_stale_time' | 'locktime' | 'proxy_qlen', number>
>;

function target(ns: NetnsArg): NetnsTarget {
  if (typeof ns === 'number') return { fd: ns };
  if (ns instanceof Netns) return { fd: ns.fd };
  return { pid: ns.pid };
}

export class Links {
  constructor(
    private readonly conn: NetlinkConnection,
    private readonly netnsRef: NsRef | undefined,
  ) {}

  /** Equivalent to: `ip link show`. */
  async list(): Promise<Link[]> {
    const { messages } = await this.conn.dump(encodeLinkDump(), { operation: 'ip link show' });
    return messages.map((m) => toLink(decodeLink(m)));
  }

  /** Equivalent to: `ip link show dev X`; ERR_LINK_NOT_FOUND when there is none. */
  async get(ref: LinkRef): Promise<Link> {
    const found = await this.find(ref);
    if (!found)
      throw new NetnsError('ERR_LINK_NOT_FOUND', `no link ${JSON.stringify(ref)} in this namespace (see links.list())`);
    return found;
  }

  /** Like get, but undefined when the link does not exist. One RTM_GETLINK, never a dump. */
  async find(ref: LinkRef): Promise<Link | undefined> {
    if (typeof ref === 'string') {
      if (ref.length === 0 || ref.includes('\0')) throw invalid('link name', ref, 'give a non-empty name');
    } else if (!Number.isInteger(ref) || ref <= 0) {
      throw invalid('link index', ref, 'an ifindex is a positive integer');
    }
    try {
      const [m] = await this.conn.request(encodeLinkGet(ref), { operation: `ip link show dev ${ref}` });
      return m ? toLink(decodeLink(m)) : undefined;
    } catch (err) {
      if (isNetlinkErrno(err, 'ENODEV')) return undefined;
      throw err;
    }
  }

  /** The ifindex of a link (numbers pass through). */
  async index(ref: LinkRef): Promise<number> {
    return typeof ref === 'number' ? ref : (await this.get(ref)).index;
  }

  /**
   * Equivalent to: `ip link add NAME type KIND ...`. A veth's peer can be created
   * directly in another namespace (`peer: { name: 'eth0', netns }`), in one message.
   */
  async add(opts: LinkAddOptions): Promise<void> {
    const req: LinkAddRequest = {
      ...opts,
      master:
        opts.master === undefined
          ? undefined
          : typeof opts.master === 'number'
            ? opts.master
            : await this.index(opts.master),
      link:
        opts.link === undefined ? undefined : typeof opts.link === 'number' ? opts.link : await this.index(opts.link),
      netns: opts.netns === undefined ? undefined : target(opts.netns),
      peer: opts.peer && { ...opts.peer, netns: opts.peer.netns === undefined ? undefined : target(opts.peer.netns) },
    };
    const peer = opts.peer ? ` peer name ${opts.peer.name}` : '';
    await this.conn.request(encodeLinkAdd(req), { operation: `ip link add ${opts.name} type ${opts.kind}${peer}` });
  }

  /** Equivalent to: `ip link set dev X [up|down] [mtu N] [master B|nomaster] [netns N] [name NEW] [address MAC]`. */
  async set(ref: LinkRef, opts: LinkSetOptions): Promise<void> {
    const index = typeof ref === 'number' ? ref : await this.index(ref);
    const master =
      opts.master === undefined
        ? undefined
        : opts.master === null
          ? 0
          : typeof opts.master === 'number'
            ? opts.master
            : await this.index(opts.master);
    const msg = encodeLinkSet({
      index,
      up: opts.up,
      mtu: opts.mtu,
      master,
      netns: opts.netns === undefined ? undefined : target(opts.netns),
      name: opts.name,
      address: opts.address,
    });
    const words = Object.entries(opts)
      .map(([k, v]) => (k === 'up' ? (v ? 'up' : 'down') : `${k} ${v}`))
      .join(' ');
    await this.conn.request(msg, { operation: `ip link set dev ${ref} ${words}` });
  }

  /** Equivalent to: `ip link del X`. Deleting one end of a veth removes both. */
  async del(ref: LinkRef): Promise<void> {
    const index = typeof ref === 'number' ? ref : await this.index(ref);
    await this.conn.request(encodeLinkDel(index), { operation: `ip link del ${ref}` });
  }

  /**
   * IPv4 per-device sysctls (`net.ipv4.conf.<dev>.*`) over rtnetlink with
   * IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF: no /proc, no setns.
   */
  async setInetConf(ref: LinkRef, conf: InetConf): Promise<void> {
    const index = typeof ref === 'number' ? ref : await this.index(ref);
    const words = Object.entries(conf)
      .map(([k, v]) => `net.ipv4.conf.${ref}.${k}=${Number(v)}`)
      .join(' ');
    await this.conn.request(encodeInetConf(index, conf), { operation: `sysctl ${words}` });
  }

  /**
   * `net.ipv4.neigh.<dev>.*` (e.g. proxy_delay), which rtnetlink's devconf does not carry:
   * written through a /proc/sys file opened inside this connection's namespace by @ctrkit/sys.
   */
  async setNeighConf(name: string, conf: NeighConf): Promise<void> {
    validateIfName(name);
    const sys = await loadSys();
    for (const [key, value] of Object.entries(conf)) {
      if (!Number.isInteger(value)) throw invalid(`neigh conf ${key}`, value, 'use an integer');
      const fd = await sys.openInNamespace(this.nsPath(), `/proc/sys/net/ipv4/neigh/${name}/${key}`, sys.O.WRONLY);
      try {
        writeSync(fd, `${value}\n`);
      } finally {
        closeSync(fd);
      }
    }
  }

  /** Reads one `net.ipv4.neigh.<dev>.<key>` value inside this connection's namespace. */
  async getNeighConf(name: string, key: keyof NeighConf): Promise<number> {
    validateIfName(name);
    const sys = await loadSys();
    const fd = await sys.openInNamespace(this.nsPath(), `/proc/sys/net/ipv4/neigh/${name}/${key}`, sys.O.RDONLY);
    try {
      const buf = Buffer.alloc(64);
      const n = readSync(fd, buf, 0, buf.length, 0);
      return Number(buf.toString('utf8', 0, n).trim());
    } finally {
      closeSync(fd);
    }
  }

  private nsPath(): NsRef {
    return this.netnsRef ?? `/proc/${process.pid}/ns/net`;
  }
}
