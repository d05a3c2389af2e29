// The benchmark tree the snapshotter's apply and diff benchmarks share: `files` files of
// deterministic text-like content (gzip ratio ~3) in 40×25 directories, sizes 94%
// 0.5–8 KiB and 6% 32–160 KiB, drawn from a seeded generator so a run is repeatable.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeTree(dir: string, files: number, seed: number): { files: number; bytes: number } {
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const words = Array.from({ length: 2000 }, (_, i) => `w${(i * 7919).toString(36)}${'abcdefgh'.slice(0, i % 8)}`);
  const parts: string[] = [];
  for (let n = 0; n < 4 << 20; ) {
    const w = words[Math.floor(rnd() * words.length)]!;
    parts.push(w);
    n += w.length + 1;
  }
  const corpus = Buffer.from(parts.join(' '));
  let bytes = 0;
  const made = new Set<string>();
  for (let i = 0; i < files; i++) {
    const d = join(dir, `d${i % 40}`, `s${(i >> 6) % 25}`);
    if (!made.has(d)) mkdirSync(d, { recursive: true });
    made.add(d);
    const size = rnd() < 0.94 ? 512 + Math.floor(rnd() * 7680) : 32768 + Math.floor(rnd() * 131072);
    const off = Math.floor(rnd() * (corpus.length - size));
    writeFileSync(join(d, `f${i}.txt`), corpus.subarray(off, off + size));
    bytes += size;
  }
  return { files, bytes };
}
