// PAX extended header records ("<len> <key>=<value>\n"), read and written. Values stay
// bytes because SCHILY.xattr values are binary (security.capability).
import { InvalidLayerError } from './errors.js';

export type PaxRecords = Map<string, Buffer>;

/** Parses a PAX extended header body. `entry` names the entry for error messages. */
export function parsePax(body: Uint8Array, entry: string): PaxRecords {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const out: PaxRecords = new Map();
  let off = 0;
  while (off < buf.length) {
    if (buf[off] === 0) break; // NUL padding at the end of the record area
    const sp = buf.indexOf(0x20, off);
    if (sp < 0) throw new InvalidLayerError('malformed PAX record (no length)', entry);
    const lenText = buf.toString('latin1', off, sp);
    const len = /^[0-9]+$/.test(lenText) ? Number(lenText) : Number.NaN;
    if (!Number.isSafeInteger(len) || len <= sp - off + 1 || off + len > buf.length) {
      throw new InvalidLayerError(`malformed PAX record length ${JSON.stringify(lenText)}`, entry);
    }
    const rec = buf.subarray(sp + 1, off + len);
    if (rec[rec.length - 1] !== 0x0a) throw new InvalidLayerError('PAX record does not end with a newline', entry);
    const eq = rec.indexOf(0x3d);
    if (eq <= 0) throw new InvalidLayerError('PAX record has no key', entry);
    out.set(rec.toString('utf8', 0, eq), Buffer.from(rec.subarray(eq + 1, rec.length - 1)));
    off += len;
  }
  return out;
}

/** Encodes records in the given order (callers sort them for reproducible output). */
export function encodePax(records: ReadonlyArray<readonly [string, Uint8Array]>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records) {
    const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), value, Buffer.from('\n')]);
    // The length field counts itself; adding its digits may add one more digit.
    let len = body.length + String(body.length).length;
    if (String(len).length !== String(body.length).length) len = body.length + String(len).length;
    parts.push(Buffer.from(String(len), 'latin1'), body);
  }
  return Buffer.concat(parts);
}

/** A PAX time value ("1234.5678") as seconds and nanoseconds; NaN seconds when invalid. */
export function parsePaxTime(v: string): { sec: number; nsec: number } {
  const m = /^(-?)([0-9]+)(?:\.([0-9]*))?$/.exec(v);
  if (!m) return { sec: Number.NaN, nsec: 0 };
  const sec = Number(m[2]) * (m[1] ? -1 : 1);
  const frac = (m[3] ?? '').slice(0, 9).padEnd(9, '0');
  const nsec = Number(frac);
  if (m[1] && nsec > 0) return { sec: sec - 1, nsec: 1e9 - nsec };
  return { sec, nsec };
}
