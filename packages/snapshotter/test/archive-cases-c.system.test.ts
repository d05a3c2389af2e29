// layer-apply-cases.md group C (hardlinks), next to the victim sibling.
import { chmodSync, lstatSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requires } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';
import { ino, kind, link, read, runCase } from './archive/case-harness.js';
import { D, F, H, S } from './archive/tar-helpers.js';

const gate = requires('root', 'openat2');
const etc = [D('etc'), F('/etc/passwd', 'inside')];

describe.runIf(gate.ok)('C. hardlinks', () => {
  const sameAsPasswd: Array<[string, ReturnType<typeof F>[]]> = [
    [
      'C1 HardlinkRelative',
      [D('breakouts'), S('breakouts/d1', '../../etc'), H('breakouts/mypasswd', '/breakouts/d1/passwd')],
    ],
    [
      'C2 HardlinkDownAndOut',
      [D('breakouts'), S('breakouts/d1', '../downandout/../../etc'), H('breakouts/mypasswd', '/breakouts/d1/passwd')],
    ],
    ['C2 HardlinkAbsolute', [S('localetc', '/etc'), H('breakouts/mypasswd', '/localetc/passwd')]],
    [
      'C2 HardlinkRelativeLong',
      [S('localetc', '../../../../../../../etc'), H('breakouts/mypasswd', 'localetc/passwd')],
    ],
    [
      'C2 HardlinkRelativeUpAndOut',
      [S('localetc', 'upandout/../../../etc'), H('breakouts/mypasswd', 'localetc/passwd')],
    ],
    ['C3 HardlinkDirectRelative', [H('breakouts/mypasswd', '../../../../../etc/passwd')]],
    ['C3 HardlinkDirectAbsolute', [H('breakouts/mypasswd', '/etc/passwd')]],
  ];
  for (const [id, entries] of sameAsPasswd) {
    it(`${id}: the link is <root>/etc/passwd`, () =>
      runCase(async ({ root, apply }) => {
        await apply([...etc, ...entries]);
        expect(ino(root, 'breakouts/mypasswd')).toBe(ino(root, 'etc/passwd'));
        expect(read(root, 'breakouts/mypasswd')).toBe('inside');
      }));
  }
  for (const t of ['../../../../../etc/passwd', '/etc/passwd']) {
    it(`C4 hardlink to a symlink (${t}) links the symlink; the entry's owner is not applied`, () =>
      runCase(async ({ root, apply }) => {
        await apply([...etc, S('passwdlink', t), { ...H('localpasswd', '/passwdlink'), uid: 1234, gid: 4321 }]);
        expect(kind(root, 'localpasswd')).toBe('symlink');
        expect(ino(root, 'localpasswd')).toBe(ino(root, 'passwdlink'));
        expect(link(root, 'localpasswd')).toBe(t);
        expect(lstatSync(join(root, 'localpasswd')).uid).toBe(0);
        expect(lstatSync(join(root, 'etc/passwd')).uid).toBe(0);
      }));
  }
  it('C5 symlink before its target', () =>
    runCase(async ({ root, apply }) => {
      await apply([
        D('etc'),
        S('localpasswd', '/etc/passwd'),
        H('localpasswd-dup', 'localpasswd'),
        F('/etc/passwd', 'after'),
      ]);
      expect(ino(root, 'localpasswd-dup')).toBe(ino(root, 'localpasswd'));
      expect(link(root, 'localpasswd-dup')).toBe('/etc/passwd');
      expect(read(root, 'etc/passwd')).toBe('after');
    }));
  it('C6 chmod through a hardlinked symlink never touches the host (CVE-2021-32760)', () => {
    let perm400 = '';
    let also = '';
    return runCase(
      async ({ root, apply }) => {
        await apply([
          { ...S(also, perm400), mode: 0o777 },
          { ...H('sketchylink', also), mode: 0o777 },
        ]);
        expect(statSync(perm400).mode & 0o777).toBe(0o400);
        expect(kind(root, 'sketchylink')).toBe('symlink');
      },
      (tmp) => {
        perm400 = join(tmp, 'victim', 'perm400');
        also = join(tmp, 'victim', 'also-exists-outside-root');
        writeFileSync(perm400, 'p');
        chmodSync(perm400, 0o400);
        writeFileSync(also, 'a');
      },
    );
  });
  const c7: Array<[string, ReturnType<typeof F>[]]> = [
    ['1', [H('dotdot', '../victim/hello')]],
    ['2', [H('slash-dotdot', '/../victim/hello')]],
    ['3', [H('loophole-victim', '../victim'), F('loophole-victim/file')]],
    ['4', [H('loophole-victim', '../victim'), S('symlink', 'loophole-victim/hello')]],
    ['5', [H('loophole-victim', '../victim'), H('hardlink', 'loophole-victim/hello')]],
    ['6', [H('loophole-victim', '../victim'), F('loophole-victim')]],
  ];
  for (const [n, entries] of c7) {
    it(`C7.${n} invalid hardlink set: typed error at the first entry`, () =>
      runCase(async ({ root, rejects }) => {
        await rejects(entries, 'ERR_LAYER_PATH_ESCAPE');
        expect(kind(root, 'loophole-victim')).toBeNull();
      }));
  }
  it('C8 hardlink to a symlink, out of order', () =>
    runCase(async ({ root, apply }) => {
      await apply([S('symlink1', 'regfile'), H('symlink2', 'symlink1'), F('regfile', 'r')]);
      expect(ino(root, 'symlink2')).toBe(ino(root, 'symlink1'));
      expect(read(root, 'symlink2')).toBe('r');
    }));
  it('C9 hardlink source through an absolute symlink', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('var'), S('var/run', '/run')]);
      await apply([F('var/run/source', 's'), H('var/run/link', 'var/run/source')]);
      expect(ino(root, 'run/link')).toBe(ino(root, 'run/source'));
      expect(lstatSync(join(root, 'run/source')).nlink).toBe(2);
    }));
  it('C10 replace, do not truncate in place', () =>
    runCase(async ({ root, apply }) => {
      await apply([D('etc'), F('etc/passwd', 'old'), S('localetc', 'etc'), H('localetc/localpasswd', 'etc/passwd')]);
      expect(ino(root, 'etc/localpasswd')).toBe(ino(root, 'etc/passwd'));
      await apply([D('/localetc/'), F('/localetc/localpasswd', 'different')]);
      expect(kind(root, 'localetc')).toBe('dir');
      expect(ino(root, 'localetc/localpasswd')).not.toBe(ino(root, 'etc/passwd'));
      expect(read(root, 'etc/passwd')).toBe('old');
    }));
  it('C11 a hardlink to a target missing from this root (lower layer only) is a typed error', () =>
    runCase(async ({ root, rejects }) => {
      await rejects([H('usr/bin/link', 'usr/bin/only-in-lower')], 'ERR_LAYER_PATH_ESCAPE', { whiteouts: 'overlay' });
      expect(kind(root, 'usr/bin/link')).toBeNull();
    }));
});
