// removeCgroupLeftovers on plain directories (rmdir semantics are the same: a directory
// with children cannot go): planned parents are removed deepest first, a leaf runc left
// is removed before its parent, and a directory someone else uses is kept.
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeCgroupLeftovers } from '../src/internal/cgroup-leftovers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ctrkit-rt-leftovers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Two "hierarchies", each with the plan Container.run makes for /a/b/c: leaf first, then the missing parents.
function plan(): string[] {
  return ['h1', 'h2'].flatMap((h) => [join(dir, h, 'a/b/c'), join(dir, h, 'a/b'), join(dir, h, 'a')]);
}

describe('removeCgroupLeftovers', () => {
  it('removes the parents when the leaves are already gone', () => {
    for (const h of ['h1', 'h2']) mkdirSync(join(dir, h, 'a/b'), { recursive: true });
    expect(removeCgroupLeftovers(plan())).toEqual([]);
    expect(existsSync(join(dir, 'h1/a'))).toBe(false);
    expect(existsSync(join(dir, 'h2/a'))).toBe(false);
  });

  it('removes a leaf that was left (after a crash), then its parents', () => {
    mkdirSync(join(dir, 'h1/a/b/c'), { recursive: true });
    mkdirSync(join(dir, 'h2/a/b'), { recursive: true });
    expect(removeCgroupLeftovers(plan())).toEqual([]);
    expect(existsSync(join(dir, 'h1/a'))).toBe(false);
    expect(existsSync(join(dir, 'h2/a'))).toBe(false);
  });

  it('keeps a parent someone else now uses, and everything above it', () => {
    mkdirSync(join(dir, 'h1/a/b/other'), { recursive: true });
    mkdirSync(join(dir, 'h1/a/b/c'), { recursive: true });
    expect(removeCgroupLeftovers(plan()).sort()).toEqual([join(dir, 'h1/a'), join(dir, 'h1/a/b')]);
    expect(existsSync(join(dir, 'h1/a/b/c'))).toBe(false);
    expect(existsSync(join(dir, 'h1/a/b/other'))).toBe(true);
  });

  it('removes a lone leaf whose parent existed before, and ignores what is absent', () => {
    mkdirSync(join(dir, 'p/c'), { recursive: true });
    expect(removeCgroupLeftovers([join(dir, 'p/c'), join(dir, 'q/c')])).toEqual([]);
    expect(existsSync(join(dir, 'p/c'))).toBe(false);
    expect(existsSync(join(dir, 'p'))).toBe(true);
  });
});
