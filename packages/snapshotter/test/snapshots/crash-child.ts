// Child process for the crash tests (run with tsx; the parent SIGKILLs it at a random
// moment). `commit` mode: prepare → write FILES files → commit, in a chain, forever.
// `unpack` mode: unpack the image whose manifest descriptor is given as JSON, print which
// layers this process applied. (The concurrency test runs two of these to completion.)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContentStore } from '@ctrkit/oci-image';
import { Snapshotter } from '../../src/snapshots/snapshotter.js';
import type { DriverName } from '../../src/snapshots/types.js';
import { unpackImage } from '../../src/snapshots/unpack.js';
import { FILES, writableDir } from './crash-shared.js';

async function main(): Promise<void> {
  const [mode, root, driver, extra] = process.argv.slice(2);
  const sn = await Snapshotter.open(root!, { driver: driver as DriverName });
  process.stdout.write('ready\n');
  if (mode === 'commit') {
    let parent: string | undefined;
    for (let i = 0; ; i++) {
      const name = `c-${process.pid}-${i}`;
      const key = `${name}-active`;
      const dir = writableDir(await sn.prepare(key, parent));
      for (let f = 0; f < FILES; f++) writeFileSync(join(dir, `f${f}`), `${name}:${f}\n`.repeat(200));
      await sn.commit(name, key);
      parent = name;
    }
  }
  if (mode === 'unpack') {
    const store = await ContentStore.open(extra!);
    const manifest = JSON.parse(process.argv[6]!);
    const res = await unpackImage(manifest, { contentStore: store, snapshotter: sn });
    process.stdout.write(`unpacked ${JSON.stringify(res.layers.map((l) => l.applied))}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
