// eventfd as cgroup v1 uses it: a memory threshold registered through
// cgroup.event_control fires our eventfd when a process in the cgroup crosses it
// (the same mechanism delivers memory.oom_control notifications).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, requires, uniqueName } from '@ctrkit/testkit';
import { describe, expect, it } from 'vitest';
import { eventfd } from '../src/index.js';

const gate = requires('root', 'cgroup:v1:memory');
const MEMORY = '/sys/fs/cgroup/memory';

/** rmdir of a v1 cgroup can briefly be EBUSY after its last process exited. */
async function removeCgroup(cg: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      rmdirSync(cg); // charges left by the page cache move to the parent
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EBUSY' || i >= 50) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe.runIf(gate.ok)('eventfd with a cgroup v1 memory threshold', () => {
  it('is signalled when usage crosses the threshold', async () => {
    const cg = join(MEMORY, uniqueName('sysefd'));
    const dir = await makeTempDir('sys-efd');
    mkdirSync(cg);
    const efd = eventfd();
    const usage = openSync(join(cg, 'memory.usage_in_bytes'), 'r');
    let child: ChildProcess | undefined;
    let exited: Promise<unknown> = Promise.resolve();
    try {
      const threshold = Number(readFileSync(join(cg, 'memory.usage_in_bytes'), 'utf8')) + 4 * 2 ** 20;
      writeFileSync(join(cg, 'cgroup.event_control'), `${efd.fd} ${usage} ${threshold}`);
      const fired = efd.read();
      // Page cache written by a process in the cgroup is charged to it: 16 MiB crosses 4 MiB.
      child = spawn(
        '/bin/sh',
        ['-c', `echo $$ > ${cg}/cgroup.procs && dd if=/dev/zero of=${dir}/fill bs=1M count=16 status=none`],
        { stdio: 'ignore' },
      );
      const proc = child;
      exited = new Promise((resolve) => proc.once('exit', resolve));
      expect(await fired).toBe(1n);
      expect(await exited).toBe(0);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      efd.close();
      closeSync(usage);
      await rm(dir, { recursive: true, force: true });
      await removeCgroup(cg);
    }
  });
});
