// The native driver's cost: prepare() on a parent of many files copies the whole tree
// (types, owners, modes, ns times, xattrs, hardlinks; file data by clone or in-kernel
// copy_file_range through libuv's copyfile). Peer: `cp -a --reflink=auto` of the same
// tree, which is what containerd's native snapshotter (continuity's fs.CopyDir) does in Go.
// Each repetition copies into a fresh directory.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Snapshotter } from '@ctrkit/snapshotter';
import { measure, report } from './harness.js';

const run = promisify(execFile);
const FILES = 3000;
const DIRS = 60;
const FILE_BYTES = 4096;

const base = await mkdtemp(join(tmpdir(), 'ctrkit-bench-native-'));
try {
  const sn = await Snapshotter.open(join(base, 'store'), { driver: 'native', sync: false });
  const [m] = await sn.prepare('base-active');
  const src = m!.source;
  for (let f = 0; f < FILES; f++) {
    const d = join(src, `d${f % DIRS}`);
    if (f < DIRS) await mkdir(d);
    await writeFile(join(d, `f${f}`), Buffer.alloc(FILE_BYTES, f & 0xff));
    if (f % 100 === 0) await symlink(`f${f}`, join(d, `s${f}`));
  }
  await sn.commit('base', 'base-active');
  let n = 0;
  const opts = { warmup: 1, reps: 5 };
  const ours = await measure(
    async () => {
      await sn.prepare(`copy-${n}`, 'base');
    },
    {
      ...opts,
      after: async () => {
        await sn.remove(`copy-${n}`);
        n += 1;
      },
    },
  );
  let target = '';
  const cp = await measure(
    async () => {
      await run('cp', ['-a', '--reflink=auto', `${src}/.`, target]);
    },
    {
      ...opts,
      before: async () => {
        target = join(base, `cp-${n++}`);
        await mkdir(target);
      },
      after: () => rm(target, { recursive: true, force: true }),
    },
  );
  report({
    name: 'snapshotter-native-prepare',
    description: `native driver prepare() on a parent of ${FILES} files of ${FILE_BYTES} B in ${DIRS} dirs (full copy)`,
    inputs: { files: FILES, dirs: DIRS, fileBytes: FILE_BYTES, fs: '/tmp (ext4: no reflink, so in-kernel copy)' },
    ours,
    peers: { 'cp -a --reflink=auto': cp },
    goals: { 'ours/cp -a --reflink=auto': '<= 1.5' },
  });
} finally {
  await rm(base, { recursive: true, force: true });
}
