// The per-case context of the conformance suite: a fresh store, scratch mount points that
// are always unmounted, and small filesystem helpers in the spirit of continuity's fstest.
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mountAll, unmountAll } from '../snapshots/mount.js';
import type { Snapshotter } from '../snapshots/snapshotter.js';
import type { Mount } from '../snapshots/types.js';

export interface CaseContext {
  readonly sn: Snapshotter;
  /** The store root. */
  readonly root: string;
  /** Mounts `mounts` on a fresh directory, runs `fn` with it, and always unmounts. */
  withMounted<T>(mounts: readonly Mount[], fn: (dir: string) => Promise<T>): Promise<T>;
  /** prepare → write `files` → commit; returns nothing, the layer is committed as `name`. */
  layer(name: string, parent: string | undefined, apply: (dir: string) => Promise<void>): Promise<void>;
  /** Opens a second handle on the same store (the factory the suite was given). */
  reopen(): Promise<Snapshotter>;
}

export interface ContextFactory {
  open(root: string): Promise<Snapshotter>;
}

/** Creates a context and the function that disposes of it (unmount, close, delete). */
export async function createContext(factory: ContextFactory): Promise<{ ctx: CaseContext; dispose(): Promise<void> }> {
  const base = await mkdtemp(join(tmpdir(), 'ctrkit-conf-'));
  const root = join(base, 'store');
  await mkdir(root);
  const handles: Snapshotter[] = [];
  const targets: string[] = [];
  let n = 0;
  const sn = await factory.open(root);
  handles.push(sn);
  const ctx: CaseContext = {
    sn,
    root,
    async withMounted(mounts, fn) {
      n += 1;
      const dir = join(base, `m${n}`);
      await mkdir(dir);
      targets.push(dir);
      await mountAll(mounts, dir);
      try {
        return await fn(dir);
      } finally {
        await unmountAll(dir);
      }
    },
    async layer(name, parent, apply) {
      const key = `${name}-active`;
      const mounts = await sn.prepare(key, parent);
      await ctx.withMounted(mounts, apply);
      await sn.commit(name, key);
    },
    async reopen() {
      const h = await factory.open(root);
      handles.push(h);
      return h;
    },
  };
  return {
    ctx,
    async dispose() {
      for (const t of targets) await unmountAll(t).catch(() => {});
      for (const h of handles) await h.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** Writes a file, creating its parent directories (mode 0755). */
export async function put(dir: string, path: string, content: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true, mode: 0o755 });
  await writeFile(join(dir, path), content);
  await chmod(join(dir, path), mode);
}

/** Every path under `dir` with its type, mode, owner and (for files) content: a comparable tree. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(dir, p));
      const meta = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isDirectory()) {
        out[`${p}/`] = meta;
        await walk(p);
      } else if (st.isFile()) {
        out[p] = `${meta} ${await readFile(join(dir, p), 'utf8')}`;
      } else {
        out[p] = `${meta} type=${st.mode >> 12}`;
      }
    }
  };
  await walk('');
  return out;
}

/** Asserts that `fn` rejects with a ctrkit error carrying `code`. */
export async function rejectsWith(fn: () => Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(fn, (err: unknown) => {
    assert.equal((err as { code?: string }).code, code, `expected ${code}, got ${String(err)}`);
    return true;
  });
}
