import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requires } from '@ctrkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContentStore,
  copyImage,
  digestOf,
  ImageStore,
  MediaTypes,
  OciLayout,
  pull,
  push,
  RegistryClient,
} from '../src/index.js';
import { sampleImage, tempDir } from './helpers/fixtures.js';
import { startRegistry, type TestRegistry } from './helpers/registry.js';

const run = promisify(execFile);
const gate = requires('binary:docker-registry', 'binary:skopeo');

describe.runIf(gate.ok)('against docker-registry 2.8 on 127.0.0.1', () => {
  let reg: TestRegistry;
  let dir: string;
  beforeAll(async () => {
    reg = await startRegistry();
    dir = await tempDir('reg');
  });
  afterAll(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ping answers registry/2.0', async () => {
    expect(await new RegistryClient({ baseUrl: reg.url }).ping()).toEqual({ apiVersion: 'registry/2.0' });
  });

  it('push with ctrkit, then skopeo inspect sees the same digest and layers', async () => {
    const { store, image } = await sampleImage(join(dir, 'p1'));
    const registry = new RegistryClient({ baseUrl: reg.url });
    await push(`${reg.host}/ctrkit/push:v1`, { store, target: image.descriptor, registry });
    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/ctrkit/push:v1`]);
    const info = JSON.parse(stdout);
    expect(info.Digest).toBe(image.descriptor.digest);
    expect(info.Layers).toEqual(image.manifest.layers.map((l) => l.digest));
    expect(await registry.repository('ctrkit/push').tags()).toEqual(['v1']);
  });

  it('copyImage targets a repository directly (manifests by digest), then a tag is put', async () => {
    const { store, image } = await sampleImage(join(dir, 'p0'));
    const registry = new RegistryClient({ baseUrl: reg.url });
    const repo = registry.repository('ctrkit/copy');
    await copyImage(image.descriptor, { from: store, to: repo });
    expect((await repo.getManifest(image.descriptor.digest)).descriptor.digest).toBe(image.descriptor.digest);
    await repo.putManifest('t1', await store.readBlob(image.descriptor), image.descriptor.mediaType);
    expect((await repo.resolve('t1')).digest).toBe(image.descriptor.digest);
  });

  it('chunked upload and cross-repository mount', async () => {
    const { store, image } = await sampleImage(join(dir, 'p2'), { layers: 3 });
    const registry = new RegistryClient({ baseUrl: reg.url });
    await push(`${reg.host}/ctrkit/chunked:v1`, { store, target: image.descriptor, registry, chunkSize: 512 });
    const repo = registry.repository('ctrkit/mounted');
    const layer = image.manifest.layers[0]!;
    expect(await repo.mount(layer.digest, 'ctrkit/chunked')).toBe(true);
    expect(await repo.has(layer.digest)).toBe(true);
    const back = await ContentStore.open(join(dir, 'p2back'));
    const r = await pull(`${reg.host}/ctrkit/chunked:v1`, { store: back, registry });
    expect(r.diffIds).toEqual(image.config.rootfs.diff_ids);
  });

  it('push with skopeo (docker v2s2), then pull with ctrkit into a store and an image store', async () => {
    const { store, image } = await sampleImage(join(dir, 'p3'));
    const layout = await OciLayout.create(join(dir, 'p3layout'));
    await layout.importImage(image.descriptor, store, { tag: 'v1' });
    await run('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      '--format',
      'v2s2',
      `oci:${layout.dir}:v1`,
      `docker://${reg.host}/ctrkit/skopeo:v1`,
    ]);
    const target = await ContentStore.open(join(dir, 'p3pull'));
    const images = await ImageStore.open(join(dir, 'p3images'));
    const phases = new Set<string>();
    const r = await pull(`${reg.host}/ctrkit/skopeo:v1`, {
      store: target,
      images,
      registry: new RegistryClient({ baseUrl: reg.url }),
      onProgress: (p) => phases.add(p.phase),
    });
    expect(r.target.mediaType).toBe(MediaTypes.DockerManifest);
    expect(r.diffIds).toEqual(image.config.rootfs.diff_ids);
    expect((await images.get(`${reg.host}/ctrkit/skopeo:v1`)).target.digest).toBe(r.target.digest);
    expect(phases).toEqual(new Set(['resolve', 'config', 'layer', 'manifest', 'done']));
    for (const l of r.images[0]!.manifest.layers) expect(await target.has(l.digest)).toBe(true);
    // A second pull skips what is there.
    const again = new Set<string>();
    await pull(`${reg.host}/ctrkit/skopeo:v1`, {
      store: target,
      registry: new RegistryClient({ baseUrl: reg.url }),
      onProgress: (p) => again.add(p.phase),
    });
    expect(again.has('layer')).toBe(false);
    expect(again.has('skip')).toBe(true);
  });

  it('resumes an interrupted blob download with Range', async () => {
    const { store, image } = await sampleImage(join(dir, 'p4'), { compression: 'none' });
    await push(`${reg.host}/ctrkit/resume:v1`, {
      store,
      target: image.descriptor,
      registry: new RegistryClient({ baseUrl: reg.url }),
    });
    const big = image.manifest.layers[1]!;
    const ranges: string[] = [];
    let cut = true;
    const flaky: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const url = String(input);
      const range = new Headers(init?.headers).get('range');
      if (url.includes(`/blobs/${big.digest}`) && init?.method === 'GET') {
        ranges.push(range ?? '');
        if (cut && res.body) {
          cut = false;
          // Deliver 700 bytes, then fail as a dropped connection would.
          const reader = res.body.getReader();
          let sent = 0;
          const body = new ReadableStream({
            async pull(ctl) {
              const { value, done } = await reader.read();
              if (done || sent >= 700) {
                ctl.error(new Error('connection reset'));
                await reader.cancel();
                return;
              }
              const part = value.subarray(0, 700 - sent);
              sent += part.length;
              ctl.enqueue(part);
            },
          });
          return new Response(body, { status: res.status, headers: res.headers });
        }
      }
      return res;
    };
    const target = await ContentStore.open(join(dir, 'p4pull'));
    const registry = new RegistryClient({ baseUrl: reg.url, fetch: flaky });
    await expect(pull(`${reg.host}/ctrkit/resume:v1`, { store: target, registry, concurrency: 1 })).rejects.toThrow(
      /connection reset/,
    );
    expect((await target.status(big.digest)).offset).toBe(700);
    const r = await pull(`${reg.host}/ctrkit/resume:v1`, { store: target, registry, concurrency: 1 });
    expect(ranges).toEqual(['', 'bytes=700-']);
    expect(await target.readBlob(big)).toHaveLength(big.size);
    expect(r.diffIds).toEqual(image.config.rootfs.diff_ids);
    expect(await target.listStatuses()).toEqual([]);
  });

  it('the two Accept-header traps give clear errors, never a wrong digest', async () => {
    const { store, image } = await sampleImage(join(dir, 'p5'));
    const registry = new RegistryClient({ baseUrl: reg.url });
    await push(`${reg.host}/ctrkit/trap:oci`, { store, target: image.descriptor, registry });
    const docker = await sampleImage(join(dir, 'p5d'), { format: 'docker' });
    await push(`${reg.host}/ctrkit/trap:docker`, { store: docker.store, target: docker.image.descriptor, registry });
    // A client that sends only the Docker v2 type (trap 1: 404 for an OCI manifest) or only OCI (trap 2: schema1).
    const narrow =
      (accept: string): typeof fetch =>
      (input, init) =>
        fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), accept } });
    const docOnly = new RegistryClient({ baseUrl: reg.url, fetch: narrow(MediaTypes.DockerManifest) }).repository(
      'ctrkit/trap',
    );
    await expect(docOnly.getManifest('oci')).rejects.toMatchObject({ code: 'ERR_REGISTRY_ACCEPT_TRAP' });
    const ociOnly = new RegistryClient({ baseUrl: reg.url, fetch: narrow(MediaTypes.OciManifest) }).repository(
      'ctrkit/trap',
    );
    await expect(ociOnly.getManifest('docker')).rejects.toMatchObject({ code: 'ERR_SCHEMA1_UNSUPPORTED' });
    await expect(ociOnly.resolve('docker')).rejects.toMatchObject({ code: 'ERR_SCHEMA1_UNSUPPORTED' });
    // Our own Accept header gets both, with digests equal to sha256(body).
    const repo = registry.repository('ctrkit/trap');
    const a = await repo.getManifest('oci');
    const b = await repo.getManifest('docker');
    expect(a.descriptor.digest).toBe(image.descriptor.digest);
    expect(b.descriptor.digest).toBe(docker.image.descriptor.digest);
    expect(digestOf(b.bytes)).toBe(b.descriptor.digest);
    await expect(repo.getManifest('nope')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });
});
