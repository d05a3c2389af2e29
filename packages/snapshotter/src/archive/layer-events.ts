// The tar → change-event layer: cleans entry names as rooted paths (rule 2, lexical
// part) and classifies whiteouts. Pure; the file-system effects live in apply-*.ts.
import { InvalidWhiteoutError } from './errors.js';
import type { TarHeader } from './tar-header.js';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
const META_PREFIX = '.wh..wh.';

/** A change a layer entry asks for. Paths are cleaned component lists; [] is the root. */
export type LayerEvent =
  | { readonly kind: 'entry'; readonly path: readonly string[]; readonly header: TarHeader }
  | { readonly kind: 'whiteout'; readonly parent: readonly string[]; readonly name: string; readonly header: TarHeader }
  | { readonly kind: 'opaque'; readonly dir: readonly string[]; readonly header: TarHeader }
  /** AUFS metadata (`.wh..wh.plnk` and similar): ignored, as containerd does. */
  | { readonly kind: 'ignored'; readonly path: readonly string[]; readonly header: TarHeader };

/**
 * Cleans a name as a rooted path: empty and `.` components vanish, `..` pops (and stays
 * at the root), so `../victim/x` is `victim/x` and `a/../b` is `b`.
 */
export function cleanPath(name: string): string[] {
  const out: string[] = [];
  for (const c of name.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return out;
}

/** Classifies one header. Throws ERR_INVALID_WHITEOUT for `.wh.`, `.wh..`, `.wh...`. */
export function classifyEntry(header: TarHeader): LayerEvent {
  const path = cleanPath(header.name);
  const base = path[path.length - 1];
  if (base === undefined || !base.startsWith(WHITEOUT_PREFIX)) return { kind: 'entry', path, header };
  const parent = path.slice(0, -1);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir: parent, header };
  if (base.startsWith(META_PREFIX)) return { kind: 'ignored', path, header };
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..') throw new InvalidWhiteoutError(header.name);
  return { kind: 'whiteout', parent, name, header };
}

/** The canonical key of a path inside the root ("" for the root). */
export function pathKey(path: readonly string[]): string {
  return path.join('/');
}
