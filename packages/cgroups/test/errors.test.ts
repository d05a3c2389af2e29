import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cgroup, CgroupError, ERROR_CODES, isCtrkitError } from '../src/index.js';
import { mapError, writeValue } from '../src/internal/fsio.js';
import { fakeGroup, fakeRoot } from './helpers/fake-cgroupfs.js';

const sysErr = (code: string) => Object.assign(new Error(`${code}: kernel said no`), { code });

describe('errors', () => {
  it('the exported code list is API (add only, never rename)', () => {
    expect(ERROR_CODES).toMatchInlineSnapshot(`
      [
        "ERR_CGROUP_NOT_FOUND",
        "ERR_CGROUP_INVALID_VALUE",
        "ERR_CGROUP_INVALID_PATH",
        "ERR_CGROUP_BUSY",
        "ERR_CGROUP_BELOW_USAGE",
        "ERR_CGROUP_CPUSET_EMPTY",
        "ERR_CGROUP_INTERNAL_PROCESS",
        "ERR_CGROUP_THREADED",
        "ERR_CGROUP_NO_PROCESS",
        "ERR_CGROUP_PERMISSION",
        "ERR_CGROUP_PARTIAL_SET",
        "ERR_CGROUP_TIMEOUT",
        "ERR_CGROUP_OWN",
        "ERR_CGROUP_IO",
        "ERR_UNSUPPORTED",
      ]
    `);
  });

  it('maps errno + file to a typed error naming the file, value and accepted range', () => {
    const inval = mapError(sysErr('EINVAL'), '/sys/fs/cgroup/cpu/x/cpu.cfs_period_us', '999');
    expect(inval).toMatchObject({ code: 'ERR_CGROUP_INVALID_VALUE', errno: 'EINVAL', kind: 'invalid-argument' });
    expect(inval.message).toContain('/sys/fs/cgroup/cpu/x/cpu.cfs_period_us');
    expect(inval.message).toContain('"999"');
    expect(inval.message).toContain('1000..1000000');
    expect(mapError(sysErr('ERANGE'), '/x/cgroup.freeze', '2').code).toBe('ERR_CGROUP_INVALID_VALUE');
    expect(mapError(sysErr('ENOENT'), '/x/memory.max').code).toBe('ERR_CGROUP_NOT_FOUND');
    expect(mapError(sysErr('ESRCH'), '/x/cgroup.procs', '99999').code).toBe('ERR_CGROUP_NO_PROCESS');
    expect(mapError(sysErr('EACCES'), '/x/cgroup.procs', '1').code).toBe('ERR_CGROUP_PERMISSION');
    expect(mapError(sysErr('EPERM'), '/x/cgroup.procs', '1').code).toBe('ERR_CGROUP_PERMISSION');
    expect(mapError(sysErr('EOPNOTSUPP'), '/x/cgroup.procs').code).toBe('ERR_CGROUP_THREADED');
    const other = mapError(sysErr('EIO'), '/x/y', '1');
    expect(other.code).toBe('ERR_CGROUP_IO');
    expect(other.cause).toBeInstanceOf(Error);
  });

  it('errors are branded, named, and CgroupError instances', () => {
    const e = mapError(sysErr('ENOENT'), '/x/y');
    expect(e).toBeInstanceOf(CgroupError);
    expect(isCtrkitError(e)).toBe(true);
    expect(isCtrkitError(new Error('x'))).toBe(false);
    expect(e.name).toBe('CgroupError');
    expect(Object.keys(e)).not.toContain('name');
  });
});

describe('paths, creation and rollback (fake cgroupfs)', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('cg-err');
    fakeRoot(root, 'legacy');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writing a missing control file is ENOENT, never a created file', () => {
    const file = join(root, 'memory', 'memory.nonexistent');
    expect(() => writeValue(file, '1')).toThrow(expect.objectContaining({ code: 'ERR_CGROUP_NOT_FOUND' }));
    expect(existsSync(file)).toBe(false);
  });

  it('rejects paths that are relative, escape or are not normalised', async () => {
    for (const bad of ['job', '/a/../b', '/a/./b', '//a', '/a//b', '', '/a\0b', '/a\nb', '/..']) {
      await expect(Cgroup.create(bad, { root })).rejects.toMatchObject({ code: 'ERR_CGROUP_INVALID_PATH' });
    }
    await expect(Cgroup.create('/', { root })).rejects.toMatchObject({ code: 'ERR_CGROUP_OWN' });
    fakeGroup(root, 'legacy', '/job');
    const cg = await Cgroup.load('/job', { root });
    for (const bad of ['a/b', '..', '.', '']) {
      await expect(cg.child(bad)).rejects.toMatchObject({ code: 'ERR_CGROUP_INVALID_PATH' });
    }
  });

  it('load of a missing cgroup is ERR_CGROUP_NOT_FOUND; unknown driver is ERR_UNSUPPORTED', async () => {
    await expect(Cgroup.load('/nope', { root })).rejects.toMatchObject({ code: 'ERR_CGROUP_NOT_FOUND' });
    await expect(Cgroup.load('/nope', { root, driver: 'systemd' as never })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
    });
    await expect(Cgroup.load('/nope', { root, controllers: ['rdma'] })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
    });
  });

  it('a failing initial set removes exactly the directories create made', async () => {
    // The fake's fresh directories have no control files, so the pids write fails.
    fakeGroup(root, 'legacy', '/keep');
    await expect(Cgroup.create('/keep/new/leaf', { root, resources: { pids: { limit: 5 } } })).rejects.toMatchObject({
      code: 'ERR_CGROUP_NOT_FOUND',
    });
    for (const c of ['pids', 'memory', 'cpu']) {
      expect(existsSync(join(root, c, 'keep'))).toBe(true);
      expect(existsSync(join(root, c, 'keep/new'))).toBe(false);
    }
  });

  it('invalid resources at create leave nothing behind', async () => {
    await expect(Cgroup.create('/fresh', { root, resources: { cpu: { period: 5 } } })).rejects.toMatchObject({
      code: 'ERR_CGROUP_INVALID_VALUE',
    });
    expect(existsSync(join(root, 'cpu', 'fresh'))).toBe(false);
  });
});
