import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@ctrkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CniError, HostLocalIpam, parseNetConf, readCniEnv } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('netns-ipam');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('HostLocalIpam (host-local layout)', () => {
  it('hands out addresses in order, one file per address holding "id\\r\\nifname"', async () => {
    const s = new HostLocalIpam(dir, 'net1', { subnet: '10.22.0.0/24' });
    expect(await s.allocate('c1', 'eth0')).toBe('10.22.0.2');
    expect(await s.allocate('c2', 'eth0')).toBe('10.22.0.3');
    expect(await s.allocate('c1', 'eth0')).toBe('10.22.0.2'); // idempotent per (id, ifname)
    expect(readFileSync(join(dir, 'net1', '10.22.0.3'), 'utf8')).toBe('c2\r\neth0');
    expect(readFileSync(join(dir, 'net1', 'last_reserved_ip.0'), 'utf8')).toBe('10.22.0.3');
    expect(readdirSync(join(dir, 'net1'))).toContain('lock');
  });

  it('release frees the file, is idempotent, and the next allocation continues after the last one', async () => {
    const s = new HostLocalIpam(dir, 'net1', { subnet: '10.22.0.0/29' });
    await s.allocate('a', 'eth0');
    await s.allocate('b', 'eth0');
    expect(await s.release('a', 'eth0')).toBe(true);
    expect(await s.release('a', 'eth0')).toBe(false);
    expect(existsSync(join(dir, 'net1', '10.22.0.2'))).toBe(false);
    expect(await s.allocate('c', 'eth0')).toBe('10.22.0.4');
  });

  it('wraps round and fails with ERR_IPAM_EXHAUSTED when full', async () => {
    const s = new HostLocalIpam(dir, 'n', { subnet: '10.22.0.0/29', rangeStart: '10.22.0.2', rangeEnd: '10.22.0.4' });
    expect([await s.allocate('a', 'e'), await s.allocate('b', 'e'), await s.allocate('c', 'e')]).toEqual([
      '10.22.0.2',
      '10.22.0.3',
      '10.22.0.4',
    ]);
    await expect(s.allocate('d', 'e')).rejects.toMatchObject({ code: 'ERR_IPAM_EXHAUSTED' });
    await s.release('a', 'e');
    expect(await s.allocate('d', 'e')).toBe('10.22.0.2');
  });

  it('concurrent allocations (separate stores on the same directory) never share an address', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `c${i}`);
    const ips = await Promise.all(
      ids.map((id) => new HostLocalIpam(dir, 'n', { subnet: '10.22.0.0/24' }).allocate(id, 'eth0')),
    );
    expect(new Set(ips).size).toBe(30);
  });

  it('rejects bad ranges and names', () => {
    expect(() => new HostLocalIpam(dir, '../x', { subnet: '10.0.0.0/24' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => new HostLocalIpam(dir, 'n', { subnet: '10.0.0.0/24', rangeStart: '10.0.1.1' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => new HostLocalIpam(dir, 'n', { subnet: 'fd00::/64' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('CNI env and config', () => {
  it('reads the CNI_* variables and requires what each command needs', () => {
    expect(
      readCniEnv({ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c', CNI_NETNS: '/run/netns/x', CNI_IFNAME: 'eth0' }),
    ).toEqual({
      command: 'ADD',
      containerId: 'c',
      netns: '/run/netns/x',
      ifname: 'eth0',
    });
    expect(readCniEnv({ CNI_COMMAND: 'DEL', CNI_CONTAINERID: 'c', CNI_IFNAME: 'eth0' }).netns).toBe('');
    expect(() => readCniEnv({ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c', CNI_IFNAME: 'eth0' })).toThrow(CniError);
    expect(() => readCniEnv({ CNI_COMMAND: 'NOPE' })).toThrow(expect.objectContaining({ cniCode: 4 }));
  });

  it('parses the network config and refuses unknown versions and garbage', () => {
    expect(
      parseNetConf('{"cniVersion":"1.0.0","name":"n","type":"ctrkit-cni","ipam":{"subnet":"10.0.0.0/24"}}').name,
    ).toBe('n');
    expect(() => parseNetConf('{')).toThrow(expect.objectContaining({ cniCode: 6 }));
    expect(() => parseNetConf('{"cniVersion":"9.9.9","name":"n"}')).toThrow(expect.objectContaining({ cniCode: 1 }));
    expect(() => parseNetConf('{"cniVersion":"1.0.0"}')).toThrow(expect.objectContaining({ cniCode: 7 }));
    for (const q of ['0', '1.5', '"2"', '5000']) {
      expect(() => parseNetConf(`{"cniVersion":"1.0.0","name":"n","num_queues":${q}}`)).toThrow(
        expect.objectContaining({ cniCode: 7, message: expect.stringContaining('num_queues') }),
      );
    }
  });
});

describe('IPAM lock', () => {
  it('a held lock makes allocation wait, then fail with ERR_IPAM_LOCKED; a stale one is broken', async () => {
    const { mkdirSync, utimesSync } = await import('node:fs');
    const { withDirLock } = await import('../src/cni/lock.js');
    const lock = join(dir, 'lock.d');
    mkdirSync(lock);
    await expect(withDirLock(lock, () => 1, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'ERR_IPAM_LOCKED' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    expect(await withDirLock(lock, () => 2, { timeoutMs: 50 })).toBe(2);
    expect(existsSync(lock)).toBe(false);
  });
});
