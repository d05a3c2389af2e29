// One overlay mount + umount cycle: @ctrkit/sys (mount(2)/umount2(2) on the libuv pool,
// and the sync variants) against the util-linux `mount`/`umount` commands spawned from
// Node, which is what a script without a binding does. Same lower/upper/work dirs for all.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MNT, mount, mountSync, umount, umountSync } from '@ctrkit/sys';
import { measure, report, type Sample } from './harness.js';

const run = promisify(execFile);
const CYCLES = 20; // mount+umount cycles per timed repetition
const LOWERS = 3;

const dir = await mkdtemp(join(tmpdir(), 'ctrkit-bench-ovl-'));
const target = join(dir, 'merged');
try {
  const lowers: string[] = [];
  for (let i = 0; i < LOWERS; i++) {
    const l = join(dir, `lower${i}`);
    await mkdir(l);
    for (let f = 0; f < 50; f++) await writeFile(join(l, `f${f}`), `layer ${i} file ${f}\n`);
    lowers.push(l);
  }
  for (const d of ['upper', 'work', 'merged']) await mkdir(join(dir, d));
  const data = `lowerdir=${lowers.join(':')},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`;

  // The three take turns within each repetition so load drift on the shared machine
  // spreads over all of them; round -1 is the warm-up.
  const variants: Record<string, () => unknown> = {
    ours: async () => {
      for (let i = 0; i < CYCLES; i++) {
        await mount('overlay', target, 'overlay', 0, data);
        await umount(target);
      }
    },
    oursSync: () => {
      for (let i = 0; i < CYCLES; i++) {
        mountSync('overlay', target, 'overlay', 0, data);
        umountSync(target);
      }
    },
    commands: async () => {
      for (let i = 0; i < CYCLES; i++) {
        await run('mount', ['-t', 'overlay', 'overlay', '-o', data, target]);
        await run('umount', [target]);
      }
    },
  };
  const times: Record<string, number[]> = { ours: [], oursSync: [], commands: [] };
  for (let r = -1; r < 7; r++) {
    for (const [name, fn] of Object.entries(variants)) {
      const s = await measure(fn, { warmup: 0, reps: 1 });
      if (r >= 0) times[name]!.push(s.median);
    }
  }
  const sample = (xs: number[]): Sample => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { median: sorted[sorted.length >> 1]!, min: sorted[0]!, max: sorted.at(-1)!, samples: xs };
  };
  const ours = sample(times.ours!);
  const oursSync = sample(times.oursSync!);
  const commands = sample(times.commands!);

  report({
    name: 'sys-overlay-mount',
    description: `${CYCLES} overlay mount+umount cycles (${LOWERS} lowerdirs of 50 files each)`,
    inputs: { cycles: CYCLES, lowerdirs: LOWERS, filesPerLower: 50, fs: 'overlay on /tmp (ext4)' },
    ours,
    peers: { 'mount+umount commands': commands, 'sys sync variants': oursSync },
    extra: {
      perCycleMs: {
        ours: ours.median / CYCLES,
        oursSync: oursSync.median / CYCLES,
        commands: commands.median / CYCLES,
      },
    },
  });
} finally {
  try {
    umountSync(target, MNT.DETACH);
  } catch {}
  await rm(dir, { recursive: true, force: true });
}
