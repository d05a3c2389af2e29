// ctr-lite end to end, as a user runs it: the built CLI against a private state root,
// with real runc, overlay mounts, cgroups, namespaces and a local registry.
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, requires, uniqueName } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctr, eventually, start } from './helpers/cli.js';
import { hostNetns } from './helpers/host-netns.js';
import { startRegistry } from './helpers/registry.js';

const gate = requires('root', 'binary:runc', 'fs:overlay', 'link:veth', 'binary:busybox', 'cgroup:v1:memory');
const IMAGE = 'ctrkit/busybox:latest';

describe.runIf(gate.ok)('ctr-lite', () => {
  let root = '';
  let scratch = '';

  beforeAll(async () => {
    root = await makeTempDir('ctrlite');
    scratch = await makeTempDir('ctrlite-scratch');
    expect((await ctr(root, ['image', 'busybox'])).code).toBe(0);
  });

  afterAll(async () => {
    // Nothing may be left behind: no container, mount, snapshot but the image layers, runc state.
    const left = await ctr(root, ['--json', 'ps', '-a']);
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .filter((l) => root && l.includes(root));
    await rm(root, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
    expect(JSON.parse(left.stdout)).toEqual([]);
    expect(mounts).toEqual([]);
  });

  it('demo runs the busybox image in a pod with limits, pings the host side and cleans up', async () => {
    const r = await ctr(root, ['demo']);
    expect(r.stderr).not.toMatch(/ctr-lite: ERR/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hello from demo-/);
    expect(r.stdout).toMatch(/default via 169\.254\.1\.1 dev eth0/);
    expect(r.stdout).toMatch(/2 packets transmitted, 2 packets received/);
    expect(r.stdout).toMatch(/memory: .* used of 64\.0 MiB/);
    expect(r.stdout).toMatch(/pids: \d+ of 64/);
    expect(r.stdout).toMatch(/proxy_arp=1/);
    const netns = await readdir('/run/netns').catch(() => []);
    expect(netns.filter((n) => n.startsWith('ctrkit-demo'))).toEqual([]);
  });

  it('returns the container exit code as its own', async () => {
    expect((await ctr(root, ['run', '--rm', IMAGE, 'sh', '-c', 'exit 3'])).code).toBe(3);
    const ok = await ctr(root, [
      'run',
      '--rm',
      '-e',
      'GREETING=hi',
      '-w',
      '/tmp',
      IMAGE,
      'sh',
      '-c',
      'echo $GREETING; pwd',
    ]);
    expect(ok).toMatchObject({ code: 0, stdout: 'hi\n/tmp\n' });
  });

  it('gives the container a terminal with -t and connects stdin with -i', async () => {
    const tty = await ctr(root, ['run', '--rm', '-t', IMAGE, 'tty']);
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(/^\/dev\/pts\/\d+\r\n$/);
    const typed = await ctr(root, ['run', '--rm', '-t', IMAGE, 'sh'], 'echo typed-$((6*7))\nexit 5\n');
    expect(typed.code).toBe(5);
    expect(typed.stdout).toContain('typed-42');
    expect(await ctr(root, ['run', '--rm', '-i', IMAGE, 'cat'], 'round trip\n')).toMatchObject({
      code: 0,
      stdout: 'round trip\n',
    });
  });

  it('reports an OOM kill under --memory 16m', async () => {
    const r = await ctr(root, ['run', '--rm', '--memory', '16m', IMAGE, 'sh', '-c', 'tail /dev/zero']);
    expect(r.code).toBe(137);
    expect(r.stderr).toMatch(/OOM-killed/);
  });

  it('reaches the host side from a pod network', async () => {
    const host = await hostNetns();
    try {
      const r = await ctr(root, [
        'run',
        '--rm',
        '--net',
        'pod',
        '--host-netns',
        host.name,
        IMAGE,
        'ping',
        '-c',
        '1',
        '-W',
        '2',
        host.address,
      ]);
      expect(r.stdout).toMatch(/1 packets received/);
      expect(r.code).toBe(0);
    } finally {
      await host.close();
    }
  });

  it('builds reproducibly, and export + import round-trips with equal digests', async () => {
    const src = join(scratch, 'tree');
    await mkdir(join(src, 'etc'), { recursive: true });
    await writeFile(join(src, 'etc', 'hello'), 'hello\n');
    const a = await ctr(root, ['image', 'build', '--from', src, '--tag', 'rt/a:1', '--cmd', '/bin/sh']);
    const b = await ctr(root, ['image', 'build', '--from', src, '--tag', 'rt/b:1', '--cmd', '/bin/sh']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const digest = a.stdout.trim();

    const layout = join(scratch, 'layout');
    expect((await ctr(root, ['image', 'export', 'rt/a:1', '--format', 'oci', '-o', layout])).code).toBe(0);
    const other = join(scratch, 'other-root');
    const imported = await ctr(other, ['image', 'import', layout, '--name', 'rt/a:1']);
    expect(imported.code).toBe(0);
    const back = JSON.parse((await ctr(other, ['--json', 'image', 'inspect', 'rt/a:1'])).stdout);
    expect(back.target.digest).toBe(digest);

    // docker-archive holds a Docker manifest: the config and the chain are what survive unchanged.
    const tar = join(scratch, 'a.tar');
    expect((await ctr(root, ['image', 'export', 'rt/a:1', '--format', 'docker-archive', '-o', tar])).code).toBe(0);
    expect((await ctr(other, ['image', 'import', tar])).code).toBe(0);
    const orig = JSON.parse((await ctr(root, ['--json', 'image', 'inspect', 'rt/a:1'])).stdout);
    const fromTar = JSON.parse((await ctr(other, ['--json', 'image', 'inspect', 'docker.io/rt/a:1'])).stdout);
    expect(fromTar.chainIds).toEqual(orig.chainIds);
    expect(fromTar.config.rootfs).toEqual(orig.config.rootfs);
    await rm(other, { recursive: true, force: true });
  });

  it('commits a container and runs the new image with the change', async () => {
    const id = uniqueName('c', 20);
    const r = await ctr(root, ['run', '--name', id, IMAGE, 'sh', '-c', 'echo committed > /etc/motd; rm /etc/group']);
    expect(r.code).toBe(0);
    expect((await ctr(root, ['container', 'commit', id, 'rt/committed:1'])).code).toBe(0);
    const seen = await ctr(root, [
      'run',
      '--rm',
      'rt/committed:1',
      'sh',
      '-c',
      'cat /etc/motd; test -e /etc/group || echo gone',
    ]);
    expect(seen).toMatchObject({ code: 0, stdout: 'committed\ngone\n' });
    expect((await ctr(root, ['rm', id])).code).toBe(0);
  });

  it('manages a running container: ps, stats, exec, logs, stop', async () => {
    const id = uniqueName('r', 20);
    // PID 1 ignores signals it has no handler for: the shell traps TERM to exit 143.
    const script = 'trap "exit 143" TERM; echo started; while true; do sleep 0.2; done';
    const child = start(root, ['run', '--name', id, '--memory', '32m', IMAGE, 'sh', '-c', script]);
    const exited = new Promise<number | null>((r) => child.on('close', r));
    try {
      await eventually(async () =>
        JSON.parse((await ctr(root, ['--json', 'ps'])).stdout).some((c: { id: string }) => c.id === id),
      );
      const stats = JSON.parse((await ctr(root, ['--json', 'stats', id])).stdout);
      expect(stats.memory.limit).toBe(32 * 2 ** 20);
      expect(stats.pids.current).toBeGreaterThanOrEqual(1);
      expect(await ctr(root, ['exec', id, 'sh', '-c', 'echo from-exec; exit 7'])).toMatchObject({
        code: 7,
        stdout: 'from-exec\n',
      });
      await eventually(async () => (await ctr(root, ['logs', id])).stdout.includes('started'));
      expect((await ctr(root, ['stop', '-t', '10', id])).code).toBe(0);
      expect(await exited).toBe(143);
    } finally {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
      await ctr(root, ['rm', '-f', id]);
    }
  });

  it('pushes to and pulls from a local distribution registry', async () => {
    const reg = await startRegistry();
    try {
      const ref = `${reg.host}/ctrkit/busybox:pushed`;
      const pushed = await ctr(root, ['image', 'push', IMAGE, ref, '--registry', reg.url]);
      expect(pushed.code).toBe(0);
      const other = join(scratch, 'pull-root');
      const pulled = await ctr(other, ['image', 'pull', ref, '--registry', reg.url]);
      expect(pulled.stderr).toBe('');
      expect(pulled.code).toBe(0);
      const want = JSON.parse((await ctr(root, ['--json', 'image', 'inspect', IMAGE])).stdout);
      const got = JSON.parse((await ctr(other, ['--json', 'image', 'inspect', ref])).stdout);
      expect(got.target.digest).toBe(want.target.digest);
      expect(got.chainIds).toEqual(want.chainIds);
      const ran = await ctr(other, ['run', '--rm', ref, 'echo', 'pulled']);
      expect(ran).toMatchObject({ code: 0, stdout: 'pulled\n' });
      await rm(other, { recursive: true, force: true });
    } finally {
      await reg.stop();
    }
  });
});
