import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ClosedError, ERROR_CODES, isSysError, SyscallError, SysError, UnsupportedError } from '../src/index.js';

describe('errors', () => {
  it('lists the stable ERR_* codes (only ever add to this list)', () => {
    expect([...ERROR_CODES]).toEqual(['ERR_UNSUPPORTED', 'ERR_ADDON_LOAD', 'ERR_CLOSED', 'ERR_PEER_CLOSED']);
  });

  it('brands every error so isSysError works across copies', () => {
    const e = new UnsupportedError('no');
    expect(e).toBeInstanceOf(SysError);
    expect(e.code).toBe('ERR_UNSUPPORTED');
    expect(e.name).toBe('UnsupportedError');
    expect(isSysError(e)).toBe(true);
    expect(isSysError(new Error('x'))).toBe(false);
    expect(isSysError({ code: 'ERR_UNSUPPORTED' })).toBe(false);
    expect(Object.keys(e)).not.toContain('name');
  });

  it('prints a SyscallError with its syscall and path', () => {
    const e = new SyscallError(
      "ENOENT: no such file or directory, openat2 'etc/passwd'",
      'ENOENT',
      -2,
      'openat2',
      'etc/passwd',
    );
    expect(e).toMatchObject({ code: 'ENOENT', errno: -2, syscall: 'openat2', path: 'etc/passwd' });
    expect('dest' in e).toBe(false);
    // Node's default inspection keeps the stack and shows the fields, as for a SystemError.
    expect(inspect(e)).toMatch(/^SyscallError: ENOENT: .*\n\s+at /);
    expect(inspect(e)).toContain("path: 'etc/passwd'");
    expect(new ClosedError('ERR_CLOSED', 'closed').code).toBe('ERR_CLOSED');
  });
});
