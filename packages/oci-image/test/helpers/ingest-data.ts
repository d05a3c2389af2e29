// The deterministic blobs the crash test ingests.
import { createHash } from 'node:crypto';
import { type Digest, digestOf } from '../../src/index.js';

export const BLOBS = 24;
export const SIZE = 192 * 1024;
export const CHUNK = 8 * 1024;

export function blobBytes(i: number): Buffer {
  const out = Buffer.alloc(SIZE);
  let block = createHash('sha256').update(`seed ${i}`).digest();
  for (let off = 0; off < SIZE; off += block.length) {
    block.copy(out, off);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

export function blobDigest(i: number): Digest {
  return digestOf(blobBytes(i));
}
