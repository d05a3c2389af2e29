// Test helpers: build tars from entry lists with our writer, and collect parsed entries.

import type { TarHeader } from '../../src/archive/tar-header.js';
import { TarParser } from '../../src/archive/tar-parser.js';
import { END_OF_ARCHIVE, encodeHeader, padding, type WriteHeader } from '../../src/archive/tar-writer.js';

export type Spec = Partial<WriteHeader> & { name: string; content?: string | Uint8Array };

/** D/F/S/H/W shorthand from layer-apply-cases.md. */
export const D = (name: string, mode = 0o755): Spec => ({
  name: name.endsWith('/') ? name : `${name}/`,
  type: 'dir',
  mode,
});
export const F = (name: string, content = '', mode = 0o644): Spec => ({ name, type: 'file', content, mode });
export const S = (name: string, target: string): Spec => ({ name, type: 'symlink', linkname: target, mode: 0o777 });
export const H = (name: string, target: string): Spec => ({ name, type: 'hardlink', linkname: target, mode: 0o644 });
export const W = (name: string): Spec => ({ name, type: 'file', content: '', mode: 0 });

export function buildTar(entries: Spec[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const content = typeof e.content === 'string' ? Buffer.from(e.content) : Buffer.from(e.content ?? []);
    const type = e.type ?? 'file';
    const h: WriteHeader = {
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: { sec: 1_600_000_000, nsec: 0 },
      ...e,
      type,
      size: type === 'file' ? content.length : 0,
    };
    parts.push(encodeHeader(h));
    if (type === 'file') parts.push(content, padding(content.length));
  }
  if (opts.end !== false) parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

export interface Parsed {
  header: TarHeader;
  content: Buffer;
}

/** Parses a whole tar (fed in `chunk`-sized pieces) into entries with their contents. */
export function parseAll(tar: Uint8Array, chunk = tar.length || 1): { entries: Parsed[]; trailing: number } {
  const entries: Parsed[] = [];
  let parts: Buffer[] = [];
  const p = new TarParser({
    onEntry: () => {
      parts = [];
    },
    onData: (c) => parts.push(Buffer.from(c)),
    onEntryEnd: (header) => entries.push({ header, content: Buffer.concat(parts) }),
  });
  for (let i = 0; i < tar.length; i += chunk) p.write(tar.subarray(i, i + chunk));
  p.end();
  return { entries, trailing: p.trailingBytes };
}
