// layer-apply-cases.md groups E (type changes, parents), F (special entries, format),
// G (xattrs) and X3–X4 (clamping at depth, non-directory parent through a symlink).
import { lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { lgetxattrSync, lsetxattrSync } from '@ctrkit/sys';
import { requires } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';
import { applyLayer } from '../src/archive/apply-layer.js';
import { kind, link, list, read, runCase } from './archive/case-harness.js';
import { buildTar, D, F, H, S } from './archive/tar-helpers.js';

const gate = requires('root', 'openat2');
const xattr = (root: string, p: string, n: string) => lgetxattrSync(join(root, p), n)?.toString() ?? null;

describe.runIf(gate.ok)('E. type changes and parents', () => {
  it('E1 a non-directory is replaced; a directory over a directory only updates metadata', () =>
    runCase(async ({ root, apply }) => {
      await apply([F('f', 'old'), D('d', 0o700), F('d/child')]);
      const before = lstatSync(join(root, 'd')).ino;
      await apply([D('f'), D('d', 0o750)]);
      expect(kind(root, 'f')).toBe('dir');
      expect(lstatSync(join(root, 'd')).ino).toBe(before);
      expect(lstatSync(join(root, 'd')).mode & 0o777).toBe(0o750);
      expect(kind(root, 'd/child')).toBe('file');
    }));
  it('E2 a non-directory parent becomes a directory chain (rule 3)', () =>
    runCase(async ({ root, apply }) => {
      await apply([F('nondir'), F('nondir/foo/bar/baz', 'b')]);
      expect(kind(root, 'nondir')).toBe('dir');
      expect(kind(root, 'nondir/foo/bar')).toBe('dir');
      expect(read(root, 'nondir/foo/bar/baz')).toBe('b');
    }));
  it('E3 implied parents are 0755; explicit modes are exact whatever the umask', () =>
    runCase(async ({ root, apply }) => {
      const old = process.umask(0o077);
      try {
        await apply([
          F('/etc/subdir/f'),
          F('/other/noparent-1/1'),
          { ...D('explicit', 0o777) },
          { name: 'noslash', type: 'dir', mode: 0o711 },
        ]);
      } finally {
        process.umask(old);
      }
      expect(statSync(join(root, 'etc/subdir')).mode & 0o777).toBe(0o755);
      expect(statSync(join(root, 'other/noparent-1')).mode & 0o777).toBe(0o755);
      expect(statSync(join(root, 'explicit')).mode & 0o777).toBe(0o777);
      expect(statSync(join(root, 'noslash')).mode & 0o777).toBe(0o711);
    }));
  for (const t of ['/etc', '../../etc']) {
    it(`E4 a directory is replaced by a symlink (${t}) and the hardlink lands in <root>/etc`, () =>
      runCase(async ({ root, apply }) => {
        await apply([D('etc'), F('etc/passwd', 'p'), D('localetc')]);
        await apply([S('localetc', t), H('/localetc/localpasswd', '/etc/passwd')]);
        expect(kind(root, 'localetc')).toBe('symlink');
        expect(lstatSync(join(root, 'etc/localpasswd')).ino).toBe(lstatSync(join(root, 'etc/passwd')).ino);
      }));
  }
  it('E4 reverse: a symlink is replaced by a real directory', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('etc'), S('localetc', '/etc')]);
      await apply([D('/localetc/')]);
      expect(kind(root, 'localetc')).toBe('dir');
    }));
});

describe.runIf(gate.ok)('F. special entries and tar format', () => {
  for (const [maj, min] of [
    [2 ** 32, 0],
    [0, 2 ** 32],
    [-1, 0],
    [0, -5],
  ]) {
    it(`F1 device ${maj}:${min} is ERR_INVALID_LAYER`, () =>
      runCase(async ({ root, rejects }) => {
        await rejects([{ name: 'dev', type: 'char', mode: 0o600, devmajor: maj, devminor: min }], 'ERR_INVALID_LAYER');
        expect(kind(root, 'dev')).toBeNull();
      }));
  }
  it('F1 in-range devices and FIFOs are created', () =>
    runCase(async ({ root, apply }) => {
      await apply([
        { name: 'null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3 },
        { name: 'p', type: 'fifo', mode: 0o640 },
      ]);
      expect(kind(root, 'null')).toBe(`char ${lstatSync('/dev/null').rdev}`);
      expect(lstatSync(join(root, 'null')).mode & 0o777).toBe(0o666);
      expect(kind(root, 'p')).toBe('fifo');
    }));
  it('F2 rootless skips devices with one warning', () =>
    runCase(async ({ root }) => {
      const warnings: string[] = [];
      const tar = buildTar([
        { name: 'a', type: 'char', devmajor: 1, devminor: 3, mode: 0o600 },
        { name: 'b', type: 'block', devmajor: 7, devminor: 0, mode: 0o600 },
      ]);
      await applyLayer(root, [tar], { rootless: true, onWarning: (w) => warnings.push(w) });
      expect(list(root)).toEqual([]);
      expect(warnings).toHaveLength(1);
    }));
  it('F5 a 100+ byte USTAR prefix name unpacks', () =>
    runCase(async ({ root, apply }) => {
      await apply([F(`${'a'.repeat(95)}/foo`, 'x'), F(`${'b'.repeat(200)}/${'c'.repeat(200)}`, 'pax')]);
      expect(read(root, `${'a'.repeat(95)}/foo`)).toBe('x');
      expect(read(root, `${'b'.repeat(200)}/${'c'.repeat(200)}`)).toBe('pax');
    }));
  it('F6 a zero-byte blob is an empty layer', () =>
    runCase(async ({ root }) => {
      const r = await applyLayer(root, [new Uint8Array(0)]);
      expect(r.entries).toBe(0);
      expect(r.diffId).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    }));
  it('F7 trailing bytes after the end marker are hashed and reported (gzip too)', () =>
    runCase(async ({ root }) => {
      const tar = Buffer.concat([buildTar([F('a', 'x')]), Buffer.from('trailing junk')]);
      const r = await applyLayer(root, [gzipSync(tar)]);
      expect(r.trailingBytes).toBe(13);
      const { createHash } = await import('node:crypto');
      expect(r.diffId).toBe(`sha256:${createHash('sha256').update(tar).digest('hex')}`);
      expect(r.compression).toBe('gzip');
    }));
  it('F8 a truncated file is an error and leaves no partial file', () =>
    runCase(async ({ root }) => {
      const tar = buildTar([F('big', 'x'.repeat(5000))]).subarray(0, 2048);
      await expect(applyLayer(root, [tar])).rejects.toMatchObject({ code: 'ERR_INVALID_LAYER' });
      expect(kind(root, 'big')).toBeNull();
    }));
});

describe.runIf(gate.ok)('G. xattrs', () => {
  const xattrs = [
    ['security.selinux', Buffer.from('system_u:object_r:etc_t:s0')],
    ['system.nfs4_acl', Buffer.from('x')],
    ['trusted.overlay.opaque', Buffer.from('y')],
    ['trusted.x', Buffer.from('1')],
    ['user.key', Buffer.from('value')],
  ] as const;
  it('G1 rule 4 filter: trusted.overlay.*, selinux, nfs4_acl dropped; trusted.x applied as root', () =>
    runCase(async ({ root, apply }) => {
      await apply([
        { ...D('d'), xattrs },
        { ...F('f'), xattrs },
      ]);
      for (const p of ['d', 'f']) {
        expect(xattr(root, p, 'trusted.overlay.opaque')).toBeNull();
        expect(xattr(root, p, 'security.selinux')).not.toBe('system_u:object_r:etc_t:s0');
        expect(xattr(root, p, 'trusted.x')).toBe('1');
        expect(xattr(root, p, 'user.key')).toBe('value');
      }
    }));
  it('G2 user.* on a symlink (EPERM) is ignored', () =>
    runCase(async ({ root, apply }) => {
      await apply([{ ...S('l', 'x'), xattrs: [['user.key', Buffer.from('v')]] }]);
      expect(kind(root, 'l')).toBe('symlink');
    }));
  it('G4 chown before chmod keeps setuid bits; security.capability survives chown', () =>
    runCase(async ({ root, apply }) => {
      const cap = Buffer.from([0x00, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      await apply([{ ...F('suid', '#!'), mode: 0o4755, uid: 1000, gid: 1000, xattrs: [['security.capability', cap]] }]);
      const st = lstatSync(join(root, 'suid'));
      expect(st.mode & 0o7777).toBe(0o4755);
      expect(st.uid).toBe(1000);
      expect(lgetxattrSync(join(root, 'suid'), 'security.capability')).toEqual(cap);
    }));
  it('G1 a pre-existing opaque xattr is not copied from a layer, in overlay mode either', () =>
    runCase(async ({ root, apply }) => {
      await apply([{ ...D('d'), xattrs: [['trusted.overlay.opaque', Buffer.from('y')]] }], { whiteouts: 'overlay' });
      expect(xattr(root, 'd', 'trusted.overlay.opaque')).toBeNull();
      lsetxattrSync(join(root, 'd'), 'user.x', Buffer.from('1'));
    }));
});

describe.runIf(gate.ok)('X3–X4', () => {
  for (const t of ['../../../../x', '/../../x']) {
    it(`X3 clamp inside a symlink target at depth (${t})`, () =>
      runCase(async ({ root, apply }) => {
        await apply([D('a'), D('a/b'), S('a/b/up', t), F('a/b/up/f', 'f')]);
        expect(read(root, 'x/f')).toBe('f');
        expect(link(root, 'a/b/up')).toBe(t);
      }));
  }
  it('X4 a non-directory parent reached through a symlink is replaced inside the root', () =>
    runCase(async ({ root, tmp, apply }) => {
      await apply([D('etc'), F('etc/conf', 'c'), S('c', '/etc/conf')]);
      await apply([F('c/inner', 'i')]);
      expect(link(root, 'c')).toBe('/etc/conf');
      expect(kind(root, 'etc/conf')).toBe('dir');
      expect(read(root, 'etc/conf/inner')).toBe('i');
      expect(kind(tmp, 'etc/passwd')).toBe('file');
    }));
});
