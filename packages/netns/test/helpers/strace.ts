// Reads the strace captures in fixtures/iproute2 (`-e write=all -e read=all -xx`): each
// sendmsg/recvmsg line is followed by a hex dump of the buffer it carried.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const fixtureDir = join(import.meta.dirname, '..', 'fixtures', 'iproute2');

export interface Captured {
  readonly syscall: 'sendmsg' | 'recvmsg';
  readonly bytes: Buffer;
}

export function readCapture(name: string): Captured[] {
  const text = readFileSync(join(fixtureDir, `${name}.strace.txt`), 'utf8');
  const out: { syscall: 'sendmsg' | 'recvmsg'; hex: string[] }[] = [];
  let current: { syscall: 'sendmsg' | 'recvmsg'; hex: string[] } | undefined;
  for (const line of text.split('\n')) {
    const call = line.match(/^\d+\s+(sendmsg|recvmsg)\(/);
    if (call) {
      current = { syscall: call[1] as 'sendmsg' | 'recvmsg', hex: [] };
      out.push(current);
      continue;
    }
    // ` | 00010  00 00 ... 00  00 ... 00  ascii |`: the hex area is columns 10–58.
    if (current && /^ \| [0-9a-f]{5} {2}/.test(line))
      current.hex.push(...(line.slice(10, 59).match(/[0-9a-f]{2}/g) ?? []));
  }
  return out
    .filter((c) => c.hex.length > 0)
    .map((c) => ({ syscall: c.syscall, bytes: Buffer.from(c.hex.join(''), 'hex') }));
}

/** The requests iproute2 sent, with the sequence number (bytes 8–11, `time(NULL)`) zeroed. */
export function sentRequests(name: string): Buffer[] {
  return readCapture(name)
    .filter((c) => c.syscall === 'sendmsg')
    .map((c) => {
      const b = Buffer.from(c.bytes);
      b.writeUInt32LE(0, 8);
      return b;
    });
}

/** The datagrams the kernel answered with. */
export function receivedDatagrams(name: string): Buffer[] {
  return readCapture(name)
    .filter((c) => c.syscall === 'recvmsg')
    .map((c) => c.bytes);
}

/** The command that produced a capture (from <name>.cmd). */
export function captureCommand(name: string): string {
  return readFileSync(join(fixtureDir, `${name}.cmd`), 'utf8').trim();
}
