// The harness for layer-apply-cases.md: a root next to a "victim" sibling holding
// sentinel files; the whole temp dir outside the root is snapshotted (names, types,
// modes, owners, times, contents, link text) before and compared after every case.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@ctrkit/testkit';
import { expect } from 'vitest';
import { type ApplyOptions, type ApplyResult, applyLayer } from '../../src/archive/apply-layer.js';
import { buildTar, type Spec } from './tar-helpers.js';

export interface CaseCtx {
  readonly tmp: string;
  readonly root: string;
  apply(entries: Spec[], opts?: ApplyOptions): Promise<ApplyResult>;
  /** Applies and expects a typed error with this code; returns it. */
  rejects(entries: Spec[], code: string, opts?: ApplyOptions): Promise<void>;
}

function snapshot(dir: string, skip: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string) => {
    for (const name of readdirSync(p).sort()) {
      const full = join(p, name);
      if (full === skip) continue;
      const st = lstatSync(full, { bigint: true });
      let what = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.mtimeNs} ${st.size} ${st.ino}`;
      if (st.isSymbolicLink()) what += ` -> ${readlinkSync(full)}`;
      else if (st.isFile()) what += ` ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
      out.set(full, what);
      if (st.isDirectory()) walk(full);
    }
  };
  walk(dir);
  out.set(dir, `${lstatSync(dir).mode}`);
  return out;
}

/** Runs one case in a fresh temp dir; the victim side must be byte-for-byte unchanged after. */
export async function runCase(fn: (ctx: CaseCtx) => Promise<void>, setup?: (tmp: string) => void): Promise<void> {
  const tmp = await makeTempDir('case');
  try {
    const root = join(tmp, 'dest');
    mkdirSync(root);
    mkdirSync(join(tmp, 'victim'));
    writeFileSync(join(tmp, 'victim', 'hello'), `victim ${Math.random()}`, { mode: 0o644 });
    writeFileSync(join(tmp, 'file'), 'host content');
    mkdirSync(join(tmp, 'dest-evil'));
    writeFileSync(join(tmp, 'dest-evil', 'secret'), 'secret');
    mkdirSync(join(tmp, 'etc'));
    writeFileSync(join(tmp, 'etc', 'passwd'), 'host passwd');
    setup?.(tmp);
    const before = snapshot(tmp, root);
    const ctx: CaseCtx = {
      tmp,
      root,
      apply: (entries, opts) => applyLayer(root, [buildTar(entries)], { onWarning: () => {}, ...opts }),
      rejects: async (entries, code, opts) => {
        await expect(applyLayer(root, [buildTar(entries)], { onWarning: () => {}, ...opts })).rejects.toMatchObject({
          code,
        });
      },
    };
    try {
      await fn(ctx);
    } finally {
      expect(snapshot(tmp, root)).toEqual(before);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export const read = (root: string, p: string) => readFileSync(join(root, p), 'utf8');
export const kind = (root: string, p: string): string | null => {
  try {
    const st = lstatSync(join(root, p));
    if (st.isSymbolicLink()) return 'symlink';
    if (st.isDirectory()) return 'dir';
    if (st.isFile()) return 'file';
    if (st.isCharacterDevice()) return `char ${st.rdev}`;
    if (st.isFIFO()) return 'fifo';
    return 'other';
  } catch {
    return null;
  }
};
export const ino = (root: string, p: string) => lstatSync(join(root, p)).ino;
export const link = (root: string, p: string) => readlinkSync(join(root, p));
export const list = (root: string): string[] => {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const n of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const isDir = lstatSync(join(root, r)).isDirectory();
      out.push(isDir ? `${r}/` : r);
      if (isDir) walk(r);
    }
  };
  walk('');
  return out;
};
