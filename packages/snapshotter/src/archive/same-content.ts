// Byte comparison of two regular files, used by the diff only when size and mtime
// agree and the mtimes have no sub-second part (continuity's sameFile rule).
import { closeSync, openSync, readSync } from 'node:fs';
import type { TreeEntry } from './tree-walk.js';

const CHUNK = 32 * 1024;

export function sameContent(a: TreeEntry, b: TreeEntry): boolean {
  if (a.size !== b.size) return false;
  if (a.dev === b.dev && a.ino === b.ino) return true;
  const fa = openSync(a.abs, 'r');
  try {
    const fb = openSync(b.abs, 'r');
    try {
      const ba = Buffer.allocUnsafe(CHUNK);
      const bb = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const na = readSync(fa, ba, 0, CHUNK, null);
        const nb = readSync(fb, bb, 0, CHUNK, null);
        if (na !== nb) return false;
        if (na === 0) return true;
        if (ba.compare(bb, 0, nb, 0, na) !== 0) return false;
      }
    } finally {
      closeSync(fb);
    }
  } finally {
    closeSync(fa);
  }
}
