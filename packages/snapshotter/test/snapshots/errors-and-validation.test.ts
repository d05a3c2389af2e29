import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnapshotterError } from '../../src/errors.js';
import { SNAPSHOT_ERROR_CODES, SnapshotError } from '../../src/snapshots/errors.js';
import { parseMountOptions } from '../../src/snapshots/mount.js';
import { MS } from '../../src/snapshots/sys.js';
import type { SnapshotInfo } from '../../src/snapshots/types.js';
import { checkKey, checkLabels, matches } from '../../src/snapshots/validate.js';

describe('snapshot error codes', () => {
  it('are a stable list (codes are API: only ever add)', () => {
    expect(SNAPSHOT_ERROR_CODES).toEqual([
      'ERR_SNAPSHOT_NOT_FOUND',
      'ERR_SNAPSHOT_EXISTS',
      'ERR_SNAPSHOT_INVALID_KEY',
      'ERR_SNAPSHOT_PARENT_NOT_COMMITTED',
      'ERR_SNAPSHOT_WRONG_KIND',
      'ERR_SNAPSHOT_HAS_CHILDREN',
      'ERR_SNAPSHOT_INVALID_LABELS',
      'ERR_SNAPSHOT_STORE_LOCKED',
      'ERR_SNAPSHOT_STORE_CORRUPT',
      'ERR_SNAPSHOT_STORE_CLOSED',
      'ERR_SNAPSHOT_INVALID_OPTION',
      'ERR_MOUNT_OPTIONS_TOO_LONG',
      'ERR_MOUNT_FAILED',
      'ERR_INVALID_MOUNT',
      'ERR_UNPACK_INVALID_IMAGE',
      'ERR_UNPACK_DIGEST_MISMATCH',
      'ERR_UNPACK_BLOB_MISSING',
      'ERR_UNSUPPORTED',
    ]);
  });

  it('are each documented in the README errors table', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Errors (snapshots)'));
    for (const code of SNAPSHOT_ERROR_CODES) expect(section).toContain(`| \`${code}\` |`);
  });

  it('carry code, kind, key and the package base class', () => {
    const e = new SnapshotError('ERR_SNAPSHOT_HAS_CHILDREN', 'x', { key: 'k' });
    expect(e).toBeInstanceOf(SnapshotterError);
    expect(e).toMatchObject({
      code: 'ERR_SNAPSHOT_HAS_CHILDREN',
      kind: 'failed-precondition',
      key: 'k',
      name: 'SnapshotError',
    });
  });
});

describe('input checks', () => {
  it('refuses empty, huge or NUL keys with ERR_SNAPSHOT_INVALID_KEY', () => {
    for (const bad of ['', 'a\0b', 'x'.repeat(4097), 42]) {
      expect(() => checkKey(bad)).toThrow(expect.objectContaining({ code: 'ERR_SNAPSHOT_INVALID_KEY' }));
    }
    expect(checkKey('sha256:abc')).toBe('sha256:abc');
  });

  it('accepts string labels only, each at most 4 KiB', () => {
    expect(checkLabels(undefined, 'k')).toEqual({});
    expect(checkLabels({ a: 'b' }, 'k')).toEqual({ a: 'b' });
    for (const bad of [[], 'x', { a: 1 }, { '': 'v' }, { a: 'v'.repeat(4096) }]) {
      expect(() => checkLabels(bad, 'k')).toThrow(expect.objectContaining({ code: 'ERR_SNAPSHOT_INVALID_LABELS' }));
    }
  });

  it('matches walk filters field by field', () => {
    const info: SnapshotInfo = {
      kind: 'Active',
      name: 'app',
      parent: 'base',
      labels: { team: 'x' },
      created: new Date(0),
      updated: new Date(0),
    };
    expect(matches(info, undefined)).toBe(true);
    expect(matches(info, { kind: 'Active', parent: 'base', labels: { team: 'x' }, name: /^a/ })).toBe(true);
    expect(matches(info, { kind: ['View', 'Committed'] })).toBe(false);
    expect(matches(info, { parent: null })).toBe(false);
    expect(matches(info, { labels: { team: true } })).toBe(true);
    expect(matches(info, { labels: { team: 'y' } })).toBe(false);
    expect(matches(info, { labels: { other: true } })).toBe(false);
    expect(matches(info, { name: 'other' })).toBe(false);
    expect(matches(info, (i) => i.name === 'app')).toBe(true);
  });
});

describe('parseMountOptions', () => {
  it('turns flag options into MS_* and keeps the rest as data', () => {
    expect(parseMountOptions(['rbind', 'ro'])).toEqual({ flags: MS.BIND | MS.REC | MS.RDONLY, data: [] });
    expect(parseMountOptions(['ro', 'rw', 'nosuid', 'index=off', 'lowerdir=/a:/b'])).toEqual({
      flags: MS.NOSUID,
      data: ['index=off', 'lowerdir=/a:/b'],
    });
  });
});
