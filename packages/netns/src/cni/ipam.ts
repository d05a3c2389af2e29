// A host-local style IPAM store (CNI plugins' ipam/host-local layout): under
// <dataDir>/<network>/ one file per allocated address, named after it and holding
// "<containerID>\r\n<ifname>", plus last_reserved_ip.0 and a lock. Files are created with
// O_EXCL, and the scan-and-claim runs under a directory lock, so concurrent ADDs never
// share an IP (O_EXCL alone would already keep them apart; the lock orders last_reserved).
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { formatAddress, parsePrefix } from '../codec/ip.js';
import { invalid, NetnsError } from '../errors.js';
import { withDirLock } from './lock.js';

export interface IpamRange {
  /** e.g. 10.22.0.0/24 */
  readonly subnet: string;
  /** First address to hand out. @default the subnet's .1 (+1 when a gateway sits there) */
  readonly rangeStart?: string;
  /** Last address to hand out. @default the subnet's last address before broadcast */
  readonly rangeEnd?: string;
}

const LINE_BREAK = '\r\n';

function toInt(ip: string): number {
  const p = parsePrefix(ip, 'IPAM address');
  if (p.bytes.length !== 4) throw invalid('IPAM address', ip, 'this IPAM store hands out IPv4 addresses');
  return ((p.bytes[0]! << 24) | (p.bytes[1]! << 16) | (p.bytes[2]! << 8) | p.bytes[3]!) >>> 0;
}

function toIp(n: number): string {
  return formatAddress(Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255));
}

export class HostLocalIpam {
  readonly dir: string;
  private readonly first: number;
  private readonly last: number;
  readonly prefixLength: number;

  constructor(dataDir: string, network: string, range: IpamRange) {
    if (!/^[A-Za-z0-9_.-]+$/.test(network))
      throw invalid('network name', network, 'use letters, digits, "_", "." or "-"');
    this.dir = join(dataDir, network);
    const net = parsePrefix(range.subnet, 'ipam subnet');
    if (net.bytes.length !== 4 || net.length > 30)
      throw invalid('ipam subnet', range.subnet, 'use an IPv4 subnet of /30 or larger');
    this.prefixLength = net.length;
    const base = toInt(range.subnet.split('/')[0] ?? '') & (net.length === 0 ? 0 : (~0 << (32 - net.length)) >>> 0);
    const size = 2 ** (32 - net.length);
    this.first = range.rangeStart ? toInt(range.rangeStart) : base + 2; // .1 is usually the gateway
    this.last = range.rangeEnd ? toInt(range.rangeEnd) : base + size - 2;
    if (this.first < base || this.last >= base + size || this.first > this.last) {
      throw invalid('ipam range', range, `rangeStart..rangeEnd must lie inside ${range.subnet}`);
    }
  }

  private locked<T>(fn: () => T): Promise<T> {
    mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    // host-local keeps an (flock-ed) `lock` file; Node has no flock, so the lock is lock.d.
    writeFileSync(join(this.dir, 'lock'), '', { flag: 'a' });
    return withDirLock(join(this.dir, 'lock.d'), fn);
  }

  [inspect.custom](): string {
    return `HostLocalIpam ${this.dir} ${toIp(this.first)}-${toIp(this.last)}`;
  }

  /** The address already held by (containerId, ifname), if any. */
  find(containerId: string, ifname: string): string | undefined {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return undefined;
    }
    const owner = `${containerId}${LINE_BREAK}${ifname}`;
    for (const n of names) {
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(n)) continue;
      try {
        if (readFileSync(join(this.dir, n), 'utf8').trim() === owner) return n;
      } catch {}
    }
    return undefined;
  }

  /** Reserves the next free address after last_reserved_ip.0 (wrapping round the range). */
  allocate(containerId: string, ifname: string): Promise<string> {
    return this.locked(() => {
      const held = this.find(containerId, ifname);
      if (held) return held;
      const lastPath = join(this.dir, 'last_reserved_ip.0');
      let last: number | undefined;
      try {
        last = toInt(readFileSync(lastPath, 'utf8').trim());
      } catch {}
      const count = this.last - this.first + 1;
      const start = last !== undefined && last >= this.first && last < this.last ? last + 1 : this.first;
      for (let i = 0; i < count; i++) {
        const ip = toIp(this.first + ((start - this.first + i) % count));
        let fd: number;
        try {
          fd = openSync(join(this.dir, ip), 'wx', 0o644);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw err;
        }
        try {
          writeSync(fd, `${containerId}${LINE_BREAK}${ifname}`);
        } finally {
          closeSync(fd);
        }
        writeFileSync(lastPath, ip);
        return ip;
      }
      throw new NetnsError(
        'ERR_IPAM_EXHAUSTED',
        `no free address left in ${toIp(this.first)}-${toIp(this.last)} (${this.dir}); release addresses or widen the range`,
      );
    });
  }

  /** Frees what (containerId, ifname) holds. Idempotent: false when it held nothing. */
  release(containerId: string, ifname: string): Promise<boolean> {
    return this.locked(() => {
      const held = this.find(containerId, ifname);
      if (!held) return false;
      rmSync(join(this.dir, held), { force: true });
      return true;
    });
  }
}
