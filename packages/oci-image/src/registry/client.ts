// A distribution-spec v2 client over fetch: ping, auth (bearer challenges, basic), and
// per-repository handles for manifests, blobs, uploads and tags.
import { inspect } from 'node:util';
import { OciImageError } from '../errors.js';
import { basicHeader, type Challenge, type Credentials, fetchToken, parseChallenge } from './auth.js';
import { httpGet } from './http-get.js';
import { Repository } from './repository.js';

export interface RegistryClientOptions {
  /** Full base URL (`http://127.0.0.1:5000`). Either this or `host`. */
  readonly baseUrl?: string;
  /** A registry host[:port]; https unless `insecure`. `docker.io` means registry-1.docker.io. */
  readonly host?: string;
  /** Use plain http with `host`. @default false */
  readonly insecure?: boolean;
  readonly auth?: Credentials;
  /** A fetch implementation (for tests or proxies). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  readonly userAgent?: string;
}

export class RegistryClient {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #customFetch: boolean;
  readonly #auth: Credentials | undefined;
  readonly #ua: string;
  readonly #tokens = new Map<string, string>();
  #challenge: Challenge | undefined;

  constructor(options: RegistryClientOptions) {
    const host = options.host === 'docker.io' ? 'registry-1.docker.io' : options.host;
    const base = options.baseUrl ?? (host ? `${options.insecure ? 'http' : 'https'}://${host}` : undefined);
    if (!base) throw new OciImageError('ERR_INVALID_ARGUMENT', 'RegistryClient needs baseUrl or host');
    this.baseUrl = base.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#customFetch = options.fetch !== undefined;
    this.#auth = options.auth;
    this.#ua = options.userAgent ?? 'ctrkit-oci-image/0.1';
  }

  /** GET /v2/ (authenticating if challenged). @throws ERR_REGISTRY when it is not a v2 registry */
  async ping(signal?: AbortSignal): Promise<{ apiVersion: string | null }> {
    const res = await this.request('GET', '/v2/', { ...(signal ? { signal } : {}) });
    await res.body?.cancel();
    if (!res.ok) throw await registryError(res, 'GET /v2/');
    return { apiVersion: res.headers.get('docker-distribution-api-version') };
  }

  /** A handle on one repository (`library/nginx`). */
  repository(name: string): Repository {
    return new Repository(this, name);
  }

  /**
   * Sends a request, answering one 401 challenge (bearer token for `scope`, or basic).
   * `path` is relative to baseUrl unless it is absolute (upload Locations).
   */
  async request(
    method: string,
    path: string,
    init: {
      headers?: Record<string, string>;
      body?: RequestInit['body'] | AsyncIterable<Uint8Array>;
      scope?: string;
      signal?: AbortSignal;
      retryBody?: boolean;
    } = {},
  ): Promise<Response> {
    const url = /^https?:/.test(path) ? path : `${this.baseUrl}${path}`;
    const send = async (authorization?: string) => {
      const headers: Record<string, string> = { 'user-agent': this.#ua, ...init.headers };
      if (authorization) headers.authorization = authorization;
      const body = init.body as RequestInit['body'];
      return this.#fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body, duplex: 'half' } : {}),
        redirect: 'follow',
        ...(init.signal ? { signal: init.signal } : {}),
      } as RequestInit);
    };
    const key = init.scope ?? '';
    let res = await send(this.#authorization(key));
    if (res.status !== 401) return res;
    await res.body?.cancel();
    // A streamed body cannot be sent twice; callers that stream authenticate first (HEAD/POST).
    if (
      init.body !== undefined &&
      !init.retryBody &&
      typeof (init.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function'
    ) {
      throw new OciImageError('ERR_REGISTRY_UNAUTHORIZED', `${method} ${url}: authentication was requested mid-upload`);
    }
    await this.#answer(method, url, res.headers.get('www-authenticate'), init.scope, init.signal);
    res = await send(this.#authorization(key));
    if (res.status === 401) {
      await res.body?.cancel();
      throw new OciImageError(
        'ERR_REGISTRY_UNAUTHORIZED',
        `${method} ${url}: 401 after authenticating; the credentials lack access${init.scope ? ` to ${init.scope}` : ''}`,
      );
    }
    return res;
  }

  // Answers a 401: fetch a bearer token for the scope, or check that basic credentials exist.
  async #answer(
    method: string,
    url: string,
    header: string | null | undefined,
    scope: string | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    if (!header)
      throw new OciImageError(
        'ERR_REGISTRY_UNAUTHORIZED',
        `${method} ${url}: 401 without a WWW-Authenticate challenge`,
      );
    this.#challenge = parseChallenge(header);
    if (this.#challenge.scheme === 'bearer') {
      this.#tokens.set(scope ?? '', await fetchToken(this.#fetch, this.#challenge, scope, this.#auth, signal));
    } else if (this.#challenge.scheme === 'basic' && !(this.#auth && 'username' in this.#auth)) {
      throw new OciImageError(
        'ERR_REGISTRY_UNAUTHORIZED',
        `${method} ${url}: the registry wants basic auth; pass auth: { username, password }`,
      );
    }
  }

  /**
   * A streaming GET for blobs, over node:http(s) (see http-get.ts), authenticated like
   * `request`. With a custom `fetch` option it goes through that fetch instead.
   */
  async download(
    path: string,
    init: { headers?: Record<string, string>; scope?: string; signal?: AbortSignal } = {},
  ): Promise<Download> {
    if (this.#customFetch) {
      const res = await this.request('GET', path, init);
      return {
        status: res.status,
        header: (n) => res.headers.get(n),
        body: (res.body ?? []) as AsyncIterable<Uint8Array>,
        error: (what) => registryError(res, what),
      };
    }
    const url = /^https?:/.test(path) ? path : `${this.baseUrl}${path}`;
    const key = init.scope ?? '';
    const send = () => {
      const auth = this.#authorization(key);
      return httpGet(
        url,
        { 'user-agent': this.#ua, ...init.headers, ...(auth ? { authorization: auth } : {}) },
        init.signal,
      );
    };
    let msg = await send();
    if (msg.statusCode === 401) {
      msg.resume();
      await this.#answer('GET', url, msg.headers['www-authenticate'], init.scope, init.signal);
      msg = await send();
      if (msg.statusCode === 401) {
        msg.resume();
        throw new OciImageError(
          'ERR_REGISTRY_UNAUTHORIZED',
          `GET ${url}: 401 after authenticating; the credentials lack access${init.scope ? ` to ${init.scope}` : ''}`,
        );
      }
    }
    const m = msg;
    return {
      status: m.statusCode ?? 0,
      header: (n) => {
        const v = m.headers[n.toLowerCase()];
        return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
      },
      body: m,
      error: async (what) => {
        const parts: Buffer[] = [];
        for await (const c of m) if (parts.push(c as Buffer) > 256) break;
        return registryError(new Response(Buffer.concat(parts), { status: m.statusCode ?? 0 }), what);
      },
    };
  }

  #authorization(scope: string): string | undefined {
    const token = this.#tokens.get(scope);
    if (token) return `Bearer ${token}`;
    if (this.#auth && 'token' in this.#auth) return `Bearer ${this.#auth.token}`;
    if (this.#auth && 'username' in this.#auth && this.#challenge?.scheme === 'basic') return basicHeader(this.#auth);
    return undefined;
  }

  [inspect.custom](): string {
    return `RegistryClient <${this.baseUrl}${this.#auth ? ' (auth)' : ''}>`;
  }
}

/** A streaming response: status, headers, body, and the error to throw for a bad status. */
export interface Download {
  readonly status: number;
  header(name: string): string | null;
  readonly body: AsyncIterable<Uint8Array>;
  error(what: string): Promise<OciImageError>;
}

/** Turns a failed response into ERR_REGISTRY with the registry's own error codes. */
export async function registryError(res: Response, what: string): Promise<OciImageError> {
  let detail = '';
  try {
    const body = (await res.json()) as { errors?: { code?: string; message?: string }[] };
    detail = (body.errors ?? []).map((e) => `${e.code}: ${e.message}`).join('; ');
  } catch {}
  return new OciImageError('ERR_REGISTRY', `${what}: HTTP ${res.status}${detail ? ` (${detail})` : ''}`);
}
