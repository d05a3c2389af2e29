import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { chainId, chainIds, digestOf } from '../src/index.js';
import vectors from './vectors/chainids.json' with { type: 'json' };

describe('chainIds', () => {
  it('matches the issue vector', () => {
    const c = vectors.cases[0]!;
    expect(chainId(c.diffIds)).toBe(c.chainId);
  });

  it('matches the chainIDs containerd committed as snapshot keys', () => {
    const c = vectors.cases[1]!;
    expect(chainIds(c.diffIds)).toEqual(c.chainIds);
  });

  it('agrees with sha256sum on a 5-layer chain', () => {
    const diffIds = [1, 2, 3, 4, 5].map((i) => digestOf(`layer ${i}`));
    let prev = diffIds[0]!;
    const expected = [prev];
    for (const d of diffIds.slice(1)) {
      const out = execFileSync('sha256sum', { input: `${prev} ${d}` }).toString();
      prev = `sha256:${out.split(' ')[0]}` as typeof prev;
      expected.push(prev);
    }
    expect(chainIds(diffIds)).toEqual(expected);
    expect(chainId(diffIds)).toBe(expected[4]);
  });

  it('is empty for no layers and rejects bad diffIDs', () => {
    expect(chainIds([])).toEqual([]);
    expect(chainId([])).toBeUndefined();
    expect(() => chainIds(['sha256:abc'])).toThrow(/ERR_INVALID_DIGEST: diffIds\[0\]/);
  });
});
