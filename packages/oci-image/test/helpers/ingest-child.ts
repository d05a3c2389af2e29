// Child process for the crash test: ingests BLOBS deterministic blobs into the store at
// argv[2], resuming whatever a killed predecessor left, and yields to the event loop
// between chunks so a SIGKILL can land anywhere (mid-write, mid-commit, between blobs).
import { ContentStore, isAlreadyExists } from '../../src/index.js';
import { BLOBS, blobBytes, blobDigest, CHUNK } from './ingest-data.js';

const store = await ContentStore.open(process.argv[2]!);
process.stdout.write('ready\n');
for (let i = 0; i < BLOBS; i++) {
  const body = blobBytes(i);
  let w: Awaited<ReturnType<ContentStore['writer']>>;
  try {
    w = await store.writer(`blob-${i}`, { expected: blobDigest(i), total: body.length });
  } catch (err) {
    if (isAlreadyExists(err)) continue;
    throw err;
  }
  for (let off = w.offset; off < body.length; off += CHUNK) {
    await w.write(body.subarray(off, Math.min(off + CHUNK, body.length)));
    await new Promise((r) => setImmediate(r));
  }
  await w.commit({ size: body.length });
}
process.stdout.write('done\n');
