// A minimal RTM_GETLINK dump for tests: just enough rtnetlink to list interface names.
// Layouts from shared/reference/netns.md §3.1 (nlmsghdr 16 bytes, ifinfomsg 16 bytes).
import type { NetlinkSocket } from '../../src/index.js';

const RTM_GETLINK = 18;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const IFLA_IFNAME = 3;

export function getLinkDump(seq: number): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(32, 0);
  b.writeUInt16LE(RTM_GETLINK, 4);
  b.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  b.writeUInt32LE(seq, 8);
  b.writeUInt8(0, 16); // AF_UNSPEC
  return b;
}

/** Sends a link dump on `sock` and collects the interface names until NLMSG_DONE. */
export async function listLinks(sock: NetlinkSocket, seq = 1): Promise<string[]> {
  sock.send(getLinkDump(seq));
  const names: string[] = [];
  for (;;) {
    const buf = await sock.recv();
    for (let off = 0; off + 16 <= buf.length; ) {
      const len = buf.readUInt32LE(off);
      const type = buf.readUInt16LE(off + 4);
      if (buf.readUInt32LE(off + 8) !== seq) throw new Error(`unexpected seq in reply`);
      if (type === NLMSG_DONE) return names;
      if (type === NLMSG_ERROR) throw new Error(`netlink error ${buf.readInt32LE(off + 16)}`);
      for (let a = off + 32; a + 4 <= off + len; ) {
        const alen = buf.readUInt16LE(a);
        if (alen < 4) break;
        if ((buf.readUInt16LE(a + 2) & 0x3fff) === IFLA_IFNAME) names.push(buf.toString('utf8', a + 4, a + alen - 1));
        a += (alen + 3) & ~3;
      }
      off += (len + 3) & ~3;
    }
  }
}

/** RTM_NEWLINK setting IFF_UP on ifindex `index` (lo is 1 in a fresh netns), with an ACK. */
export function setLinkUp(seq: number, index: number): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(32, 0);
  b.writeUInt16LE(16, 4); // RTM_NEWLINK
  b.writeUInt16LE(NLM_F_REQUEST | 0x4 /* ACK */, 6);
  b.writeUInt32LE(seq, 8);
  b.writeInt32LE(index, 20); // ifi_index
  b.writeUInt32LE(1, 24); // ifi_flags = IFF_UP
  b.writeUInt32LE(1, 28); // ifi_change = IFF_UP
  return b;
}

/** The nlmsg type and, for NLMSG_ERROR, the error code of the first message in `buf`. */
export function firstMessage(buf: Buffer): { type: number; seq: number; error?: number } {
  const type = buf.readUInt16LE(4);
  const seq = buf.readUInt32LE(8);
  return type === NLMSG_ERROR ? { type, seq, error: buf.readInt32LE(16) } : { type, seq };
}
