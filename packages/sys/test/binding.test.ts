// The loader: lazy, overridable, and failing with typed errors that say what to do.
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@ctrkit/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';

async function freshBinding() {
  vi.resetModules();
  return import('../src/binding.js');
}

describe('addon loader', () => {
  const saved = process.env.CTRKIT_SYS_ADDON;
  afterEach(() => {
    if (saved === undefined) delete process.env.CTRKIT_SYS_ADDON;
    else process.env.CTRKIT_SYS_ADDON = saved;
  });

  it('reports a missing build as ERR_ADDON_LOAD naming where it looked and how to fix it', async () => {
    process.env.CTRKIT_SYS_ADDON = '/nonexistent/ctrkit_sys.node';
    const { native } = await freshBinding();
    expect(() => native()).toThrow(
      expect.objectContaining({ code: 'ERR_ADDON_LOAD', message: expect.stringContaining('npm rebuild @ctrkit/sys') }),
    );
    expect(() => native()).toThrow(/\/nonexistent\/ctrkit_sys\.node/);
  });

  it('wraps a file that is not an addon, keeping the cause', async () => {
    const dir = await makeTempDir('sys-loader');
    try {
      const bogus = join(dir, 'bogus.node');
      writeFileSync(bogus, 'not an ELF object');
      process.env.CTRKIT_SYS_ADDON = bogus;
      const { native } = await freshBinding();
      let caught: unknown;
      try {
        native();
      } catch (e) {
        caught = e;
      }
      expect(caught).toMatchObject({ code: 'ERR_ADDON_LOAD', name: 'AddonLoadError' });
      expect((caught as Error).cause).toBeInstanceOf(Error);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('importing the package does not load the addon', async () => {
    process.env.CTRKIT_SYS_ADDON = '/nonexistent/ctrkit_sys.node';
    vi.resetModules();
    const sys = await import('../src/index.js');
    expect(sys.O.RDONLY).toBe(0);
    expect(sys.makedev(1, 3)).toBe(0x103);
  });
});
