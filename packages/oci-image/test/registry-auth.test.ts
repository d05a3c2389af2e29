// Auth and protocol logic of RegistryClient against a small in-process fake registry
// (the real docker-registry runs without auth in registry.system.test.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { digestOf, MediaTypes, parseChallenge, RegistryClient } from '../src/index.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(null)));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, base: string) => void): Promise<string> {
  server = createServer((req, res) => handler(req, res, base));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return base;
}

describe('parseChallenge', () => {
  it('reads quoted parameters with commas', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm="x"').scheme).toBe('basic');
  });
});

describe('RegistryClient auth', () => {
  it('answers a bearer challenge with a token fetched using basic credentials, per scope', async () => {
    const tokenRequests: string[] = [];
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.OciManifest,
        config: { mediaType: MediaTypes.OciConfig, digest: digestOf('c'), size: 1 },
        layers: [],
      }),
    );
    const base = await serve((req, res, b) => {
      const url = new URL(req.url!, b);
      if (url.pathname === '/token') {
        tokenRequests.push(
          `${url.searchParams.get('service')} ${url.searchParams.get('scope')} ${req.headers.authorization}`,
        );
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ token: `tok-${url.searchParams.get('scope') ?? 'none'}` }));
        return;
      }
      const scope = url.pathname === '/v2/' ? 'none' : 'repository:app:pull';
      if (req.headers.authorization !== `Bearer tok-${scope}`) {
        res.statusCode = 401;
        res.setHeader(
          'www-authenticate',
          `Bearer realm="${b}/token",service="fake"${scope === 'none' ? '' : `,scope="${scope}"`}`,
        );
        res.end();
        return;
      }
      if (url.pathname === '/v2/') {
        res.setHeader('docker-distribution-api-version', 'registry/2.0');
        res.end('{}');
        return;
      }
      res.setHeader('content-type', MediaTypes.OciManifest);
      res.setHeader('docker-content-digest', digestOf(manifest));
      res.end(req.method === 'HEAD' ? undefined : manifest);
    });
    const client = new RegistryClient({ baseUrl: base, auth: { username: 'u', password: 'p' } });
    expect(await client.ping()).toEqual({ apiVersion: 'registry/2.0' });
    const got = await client.repository('app').getManifest('v1');
    expect(got.descriptor.digest).toBe(digestOf(manifest));
    const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
    expect(tokenRequests).toEqual([`fake null ${basic}`, `fake repository:app:pull ${basic}`]);
    await client.repository('app').getManifest('v1');
    expect(tokenRequests).toHaveLength(2);
  });

  it('answers a basic challenge, and says so when credentials are missing or refused', async () => {
    const base = await serve((req, res) => {
      if (req.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`) {
        res.end('{}');
        return;
      }
      res.statusCode = 401;
      res.setHeader('www-authenticate', 'Basic realm="r"');
      res.end();
    });
    expect(await new RegistryClient({ baseUrl: base, auth: { username: 'u', password: 'p' } }).ping()).toEqual({
      apiVersion: null,
    });
    await expect(new RegistryClient({ baseUrl: base }).ping()).rejects.toMatchObject({
      code: 'ERR_REGISTRY_UNAUTHORIZED',
      message: expect.stringMatching(/wants basic auth/),
    });
    await expect(
      new RegistryClient({ baseUrl: base, auth: { username: 'u', password: 'bad' } }).ping(),
    ).rejects.toMatchObject({
      code: 'ERR_REGISTRY_UNAUTHORIZED',
      message: expect.stringMatching(/after authenticating/),
    });
  });

  it('rejects a manifest whose body does not match Docker-Content-Digest', async () => {
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.OciManifest,
        config: { mediaType: MediaTypes.OciConfig, digest: digestOf('c'), size: 1 },
        layers: [],
      }),
    );
    const base = await serve((_req, res) => {
      res.setHeader('content-type', MediaTypes.OciManifest);
      res.setHeader('docker-content-digest', digestOf('something else'));
      res.end(body);
    });
    const repo = new RegistryClient({ baseUrl: base }).repository('x');
    await expect(repo.getManifest('v1')).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' });
    await expect(repo.getManifest(digestOf('other'))).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' });
  });

  it('downloads blobs over node:http with a bearer token, dropping it on a cross-origin redirect, and resumes with Range', async () => {
    const blob = Buffer.from('blob content, delivered by the storage backend');
    const d = digestOf(blob);
    const storageSeen: (string | undefined)[] = [];
    const storage = createServer((req, res) => {
      storageSeen.push(req.headers.authorization);
      const m = /bytes=(\d+)-/.exec(req.headers.range ?? '');
      if (m) {
        res.statusCode = 206;
        res.end(blob.subarray(Number(m[1])));
      } else res.end(blob);
    });
    await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
    const storageUrl = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;
    try {
      const base = await serve((req, res, b) => {
        const url = new URL(req.url!, b);
        if (url.pathname === '/token') {
          res.end(JSON.stringify({ access_token: 'T' }));
          return;
        }
        if (req.headers.authorization !== 'Bearer T') {
          res.statusCode = 401;
          res.setHeader('www-authenticate', `Bearer realm="${b}/token",service="fake",scope="repository:app:pull"`);
          res.end();
          return;
        }
        res.statusCode = 307;
        res.setHeader('location', `${storageUrl}/objects/${d}`);
        res.end();
      });
      const repo = new RegistryClient({ baseUrl: base }).repository('app');
      const desc = { mediaType: 'application/octet-stream', digest: d, size: blob.length };
      const whole: Buffer[] = [];
      for await (const c of await repo.fetch(desc)) whole.push(Buffer.from(c));
      expect(Buffer.concat(whole)).toEqual(blob);
      const tail: Buffer[] = [];
      for await (const c of await repo.fetch(desc, 5)) tail.push(Buffer.from(c));
      expect(Buffer.concat(tail)).toEqual(blob.subarray(5));
      expect(storageSeen).toEqual([undefined, undefined]);
    } finally {
      await new Promise((r) => storage.close(r));
    }
  });

  it('needs baseUrl or host', () => {
    expect(() => new RegistryClient({})).toThrow(/baseUrl or host/);
    expect(new RegistryClient({ host: 'docker.io' }).baseUrl).toBe('https://registry-1.docker.io');
    expect(new RegistryClient({ host: 'localhost:5000', insecure: true }).baseUrl).toBe('http://localhost:5000');
  });
});
