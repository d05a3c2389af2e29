// ChainIDs (image-spec identity): ChainID(L0) = DiffID(L0);
// ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln)).
// Hashed with @noble/hashes: inputs are ~140 bytes and this stays synchronous and isomorphic.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { type Digest, parseDigest } from './digest.js';

/** The chainID of every prefix of `diffIds`: `[A, chain(A|B), chain(A|B|C)]`. */
export function chainIds(diffIds: readonly string[]): Digest[] {
  const out: Digest[] = [];
  let prev: Digest | undefined;
  diffIds.forEach((d, i) => {
    const diff = parseDigest(d, `diffIds[${i}]`);
    prev = prev === undefined ? diff : (`sha256:${bytesToHex(sha256(utf8ToBytes(`${prev} ${diff}`)))}` as Digest);
    out.push(prev);
  });
  return out;
}

/** The chainID of the whole stack, or undefined for no layers. */
export function chainId(diffIds: readonly string[]): Digest | undefined {
  return chainIds(diffIds).at(-1);
}
