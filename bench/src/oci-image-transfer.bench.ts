// Moving a ~200 MiB, 4-layer image into a store, ctrkit against skopeo 1.9, same image,
// same run, fresh target directories each repetition:
//  - pull from a private docker-registry 2.8 on 127.0.0.1 (gzip layers):
//    pull() into a ContentStore vs `skopeo copy docker://… oci:…`; goal <= 1.0x.
//  - read a docker archive (uncompressed layers, as docker save writes them):
//    readDockerArchive() into a ContentStore vs `skopeo copy docker-archive:… oci:…`
//    (skopeo recompresses every layer); goal <= 0.5x.
// Both sides verify digests (ours: every blob at commit; skopeo: while copying).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ContentStore,
  ImageBuilder,
  pull,
  push,
  RegistryClient,
  readDockerArchive,
  writeDockerArchive,
} from '@ctrkit/oci-image';
import { pack } from 'tar-stream';
import { measure, report } from './harness.js';

const run = promisify(execFile);
const LAYERS = 4;
const FILES = 50;
const FILE_BYTES = 1 << 20;
const RANDOM_SHARE = 0.35;

const base = await mkdtemp(join(tmpdir(), 'ctrkit-bench-transfer-'));
let n = 0;
const fresh = () => join(base, `run${n++}`);
let registry: ChildProcess | undefined;

async function layerTar(l: number): Promise<Buffer> {
  const p = pack();
  const text = Buffer.from(`layer ${l} compressible line of text for the benchmark image\n`.repeat(20_000));
  for (let f = 0; f < FILES; f++) {
    const rnd = randomBytes(Math.floor(FILE_BYTES * RANDOM_SHARE));
    const body = Buffer.concat([rnd, text.subarray(0, FILE_BYTES - rnd.length)]);
    p.entry({ name: `l${l}/d${f % 5}/f${f}`, mode: 0o644, mtime: new Date(0) }, body);
  }
  p.finalize();
  const parts: Buffer[] = [];
  for await (const c of p) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function startRegistry(): Promise<string> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(base, 'registry.yml');
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(base, 'registry')}\nhttp:\n  addr: ${host}\n`,
  );
  registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`http://${host}/v2/`);
      if (r.ok) return host;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('docker-registry did not start');
}

try {
  const host = await startRegistry();
  const src = await ContentStore.open(join(base, 'src'));
  const b = new ImageBuilder({ store: src, created: '2023-11-14T22:13:20Z' });
  let uncompressed = 0;
  for (let l = 0; l < LAYERS; l++) {
    const t = await layerTar(l);
    uncompressed += t.length;
    await b.addLayerTar([t], { history: { created_by: `layer ${l}` } });
  }
  const image = await b.build();
  const compressed = image.manifest.layers.reduce((s, l) => s + l.size, 0);
  const ref = `${host}/bench/transfer:v1`;
  await push(ref, {
    store: src,
    target: image.descriptor,
    registry: new RegistryClient({ baseUrl: `http://${host}` }),
  });
  const archive = join(base, 'image.tar');
  await writeDockerArchive([{ names: ['bench/transfer:v1'], target: image.descriptor }], archive, { store: src });

  let target = '';
  // sync before each run: writeback left over from earlier runs would otherwise land on
  // whichever side fsyncs (ours, at every commit; skopeo does not fsync).
  const opts = {
    warmup: 1,
    reps: 5,
    before: async () => {
      target = fresh();
      await run('sync');
    },
    after: () => rm(target, { recursive: true, force: true }),
  };
  const expectDiffs = (got: readonly string[]) => {
    if (JSON.stringify(got) !== JSON.stringify(image.config.rootfs.diff_ids)) throw new Error('diffIDs differ');
  };

  const oursPull = await measure(async () => {
    const store = await ContentStore.open(target);
    const r = await pull(ref, { store, registry: new RegistryClient({ baseUrl: `http://${host}` }), concurrency: 4 });
    expectDiffs(r.diffIds);
  }, opts);
  const skopeoPull = await measure(
    () => run('skopeo', ['copy', '--src-tls-verify=false', `docker://${ref}`, `oci:${target}:v1`]),
    opts,
  );
  report({
    name: 'oci-image-pull',
    description: `pull of a ${LAYERS}-layer image (${(compressed / 1e6).toFixed(1)} MB gzip, ${(uncompressed / 2 ** 20).toFixed(0)} MiB tar) from docker-registry 2.8 on 127.0.0.1 into a fresh store: pull() vs skopeo copy docker:// oci:`,
    inputs: { layers: LAYERS, compressedBytes: compressed, uncompressedBytes: uncompressed, concurrency: 4 },
    ours: oursPull,
    peers: { 'skopeo-copy': skopeoPull },
    goals: { 'ours/skopeo-copy': '<= 1.0' },
    extra: { loadavg: loadavg() },
  });

  const oursArchive = await measure(async () => {
    const store = await ContentStore.open(target);
    const [img] = await readDockerArchive(archive, { store });
    expectDiffs(img!.diffIds);
  }, opts);
  const skopeoArchive = await measure(
    () => run('skopeo', ['copy', `docker-archive:${archive}`, `oci:${target}:v1`]),
    opts,
  );
  report({
    name: 'oci-image-archive',
    description: `read of a ${(uncompressed / 2 ** 20).toFixed(0)} MiB docker archive (${LAYERS} uncompressed layers) into a fresh store: readDockerArchive() vs skopeo copy docker-archive: oci: (which recompresses)`,
    inputs: { layers: LAYERS, archiveBytes: uncompressed },
    ours: oursArchive,
    peers: { 'skopeo-copy': skopeoArchive },
    goals: { 'ours/skopeo-copy': '<= 0.5' },
    extra: { loadavg: loadavg() },
  });
} finally {
  registry?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  await rm(base, { recursive: true, force: true });
}
