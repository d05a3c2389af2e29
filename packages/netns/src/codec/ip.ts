// IP addresses and prefixes as rtnetlink carries them: network-order bytes plus a
// prefix length. Parsing is ipaddr.js (RFC-complete IPv6 forms); this file only adapts.
import ipaddr from 'ipaddr.js';
import { invalid } from '../errors.js';
import { AF } from './constants.js';

export interface Prefix {
  readonly family: typeof AF.INET | typeof AF.INET6;
  readonly bytes: Uint8Array;
  readonly length: number;
}

// A dotted quad without leading zeros, the only IPv4 form accepted (as ipaddr's isValidFourPartDecimal).
const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

export function parseAddress(text: string, what = 'IP address'): Prefix {
  // The common case, without ipaddr.js's general parser (it showed in wiring profiles).
  const quad = typeof text === 'string' ? DOTTED_QUAD.exec(text) : null;
  if (quad) {
    const parts = [Number(quad[1]), Number(quad[2]), Number(quad[3]), Number(quad[4])];
    // Out of range (256 and up) falls through to the error below.
    if (parts.every((p) => p <= 255)) return { family: AF.INET, bytes: Uint8Array.from(parts), length: 32 };
  }
  // ipaddr.isValid also takes legacy IPv4 forms ("10.1", "0x0a.0.0.1"); rtnetlink users mean dotted quads.
  const ok =
    typeof text === 'string' &&
    (text.includes(':') ? ipaddr.IPv6.isValid(text) : ipaddr.IPv4.isValidFourPartDecimal(text));
  if (!ok) {
    throw invalid(what, text, 'expected an IPv4 or IPv6 address such as 10.0.0.2 or fd00::2');
  }
  const a = ipaddr.parse(text);
  const bytes = Uint8Array.from(a.toByteArray());
  return a.kind() === 'ipv4' ? { family: AF.INET, bytes, length: 32 } : { family: AF.INET6, bytes, length: 128 };
}

/** `10.0.0.2/32`, `fd00::/64`, `default`, or a bare address (a host prefix). */
export function parsePrefix(text: string, what = 'prefix'): Prefix {
  if (text === 'default' || text === '0.0.0.0/0') return { family: AF.INET, bytes: new Uint8Array(4), length: 0 };
  if (text === '::/0') return { family: AF.INET6, bytes: new Uint8Array(16), length: 0 };
  if (typeof text !== 'string') throw invalid(what, text, 'expected a string such as 10.0.0.0/24');
  const slash = text.indexOf('/');
  if (slash === -1) return parseAddress(text, what);
  const addr = parseAddress(text.slice(0, slash), what);
  const lenText = text.slice(slash + 1);
  const length = Number(lenText);
  const max = addr.family === AF.INET ? 32 : 128;
  if (!/^\d{1,3}$/.test(lenText) || length > max) {
    throw invalid(what, text, `the prefix length must be an integer from 0 to ${max}`);
  }
  return { ...addr, length };
}

export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length !== 4 && bytes.length !== 16) return Buffer.from(bytes).toString('hex');
  return ipaddr.fromByteArray(Array.from(bytes)).toString();
}

/** True when bits beyond the prefix length are zero (the kernel answers EINVAL otherwise). */
export function isNetworkAddress(p: Prefix): boolean {
  for (let bit = p.length; bit < p.bytes.length * 8; bit++) {
    if ((p.bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) return false;
  }
  return true;
}

/** The prefix with its host bits cleared. */
export function networkOf(p: Prefix): Prefix {
  const bytes = Uint8Array.from(p.bytes);
  for (let bit = p.length; bit < bytes.length * 8; bit++)
    bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) & ~(0x80 >> (bit & 7));
  return { ...p, bytes };
}

/** `aa:bb:cc:dd:ee:ff` → 6 bytes. */
export function parseMac(text: string): Buffer {
  if (typeof text !== 'string' || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(text)) {
    throw invalid('MAC address', text, 'expected six hex pairs separated by colons, such as ee:ee:ee:ee:ee:ee');
  }
  return Buffer.from(text.replaceAll(':', ''), 'hex');
}

export function formatMac(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}
