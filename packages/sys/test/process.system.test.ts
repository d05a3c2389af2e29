// pidfd (exit of a process that is not our child, signals), eventfd, prctl, winsize,
// and aligned buffers for O_DIRECT on the real kernel.
import { execFile } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  alignedBuffer,
  EFD,
  eventfd,
  getWinsize,
  O,
  pidfdOpen,
  prctlGetChildSubreaper,
  prctlGetName,
  prctlSetChildSubreaper,
  prctlSetName,
  setWinsize,
} from '../src/index.js';

const gate = requires('root');
const run = promisify(execFile);

/** Starts `sleep secs` as a grandchild (its parent shell exits), returning its pid. */
async function orphan(secs: number): Promise<number> {
  const { stdout } = await run('/bin/sh', ['-c', `sleep ${secs} >/dev/null 2>&1 </dev/null & echo $!`]);
  return Number(stdout.trim());
}

describe.runIf(gate.ok)('pidfd', () => {
  const started: number[] = [];
  afterEach(() => {
    for (const pid of started.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  });

  it('reports the exit of a process that is not our child', async () => {
    // A long sleep ended by us, so a slow machine cannot let it exit before pidfd_open.
    const pid = await orphan(60);
    started.push(pid);
    expect(Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])).not.toBe(process.pid);
    const pfd = pidfdOpen(pid);
    try {
      let killed = false;
      setTimeout(() => {
        killed = true;
        process.kill(pid, 'SIGKILL');
      }, 100);
      await pfd.exited;
      expect(killed).toBe(true);
      expect(pfd.exited).toBe(pfd.exited);
    } finally {
      pfd.close();
    }
  });

  it('signals through the pidfd, and a closed pidfd rejects its pending wait', async () => {
    const pid = await orphan(30);
    started.push(pid);
    const pfd = pidfdOpen(pid);
    pfd.sendSignal('SIGTERM');
    await pfd.exited;
    pfd.close();
    expect(() => pfd.sendSignal(0)).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));

    const other = await orphan(30);
    started.push(other);
    const p2 = pidfdOpen(other);
    const waiting = p2.exited;
    p2.close();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    expect(() => pidfdOpen(0x7ffffff0)).toThrow(expect.objectContaining({ code: 'ESRCH', syscall: 'pidfd_open' }));
  });
});

describe.runIf(gate.ok)('eventfd', () => {
  it('reads the counter, waits for writes, honours semaphore mode', async () => {
    const efd = eventfd(2);
    try {
      efd.write(3);
      expect(await efd.read()).toBe(5n);
      const pending = efd.read();
      setTimeout(() => efd.write(7n), 20);
      expect(await pending).toBe(7n);
      expect(() => efd.write(0)).toThrow(RangeError);
    } finally {
      efd.close();
    }
    const sem = eventfd(2, EFD.SEMAPHORE);
    expect([await sem.read(), await sem.read()]).toEqual([1n, 1n]);
    const blocked = sem.read();
    sem.close();
    await expect(blocked).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });
});

describe.runIf(gate.ok)('prctl, winsize, aligned buffers', () => {
  it('sets and restores the thread name and the subreaper flag', () => {
    const name = prctlGetName();
    const sub = prctlGetChildSubreaper();
    try {
      prctlSetName('ctrkit-test');
      expect(readFileSync(`/proc/self/task/${process.pid}/comm`, 'utf8').trim()).toBe('ctrkit-test');
      prctlSetChildSubreaper(true);
      expect(prctlGetChildSubreaper()).toBe(true);
    } finally {
      prctlSetName(name);
      prctlSetChildSubreaper(sub);
    }
    expect(prctlGetName()).toBe(name);
    expect(() => prctlSetName('sixteen-bytes-xx')).toThrow(TypeError);
  });

  it('sets a pty size', () => {
    const master = openSync('/dev/ptmx', O.RDWR | 0o400 /* O_NOCTTY */);
    try {
      setWinsize(master, 132, 43);
      expect(getWinsize(master)).toEqual({ cols: 132, rows: 43 });
    } finally {
      closeSync(master);
    }
    const file = openSync('/proc/self/status', 'r');
    try {
      expect(() => setWinsize(file, 80, 24)).toThrow(expect.objectContaining({ code: 'ENOTTY', syscall: 'ioctl' }));
    } finally {
      closeSync(file);
    }
  });

  it('gives O_DIRECT-capable memory where a plain Buffer slice fails', async () => {
    const dir = await makeTempDir('sys-direct');
    const file = join(dir, 'data');
    try {
      writeFileSync(file, Buffer.alloc(8192, 0x61));
      const fd = openSync(file, O.RDONLY | O.DIRECT);
      try {
        const buf = alignedBuffer(4096);
        expect(buf.length).toBe(4096);
        expect(readSync(fd, buf, 0, 4096, 0)).toBe(4096);
        expect(buf.every((b) => b === 0x61)).toBe(true);
        const misaligned = Buffer.alloc(4096 + 1).subarray(1);
        expect(() => readSync(fd, misaligned, 0, 4096, 0)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
      } finally {
        closeSync(fd);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(existsSync(file)).toBe(false);
    expect(() => alignedBuffer(16, 3000)).toThrow(TypeError);
  });
});
