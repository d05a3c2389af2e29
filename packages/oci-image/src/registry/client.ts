// A distribution-spec v2 client over fetch: ping, auth (bearer challenges, basic), and
// per-repository handles for manifests, blobs, uploads and tags.
import { inspect } from 'node:util';
import { OciImageError } from '../errors.js';
import { basicHeader, type Challenge, type Credentials, fetchToken, parseChallenge } from './auth.js';
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
    const header = res.headers.get('www-authenticate');
    await res.body?.cancel();
    if (!header)
      throw new OciImageError(
        'ERR_REGISTRY_UNAUTHORIZED',
        `${method} ${url}: 401 without a WWW-Authenticate challenge`,
      );
    this.#challenge = parseChallenge(header);
    if (this.#challenge.scheme === 'bearer') {
      this.#tokens.set(key, await fetchToken(this.#fetch, this.#challenge, init.scope, this.#auth, init.signal));
    } else if (this.#challenge.scheme === 'basic' && !(this.#auth && 'username' in this.#auth)) {
      throw new OciImageError(
        'ERR_REGISTRY_UNAUTHORIZED',
        `${method} ${url}: the registry wants basic auth; pass auth: { username, password }`,
      );
    }
    // A streamed body cannot be sent twice; callers that stream authenticate first (HEAD/POST).
    if (
      init.body !== undefined &&
      !init.retryBody &&
      typeof (init.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function'
    ) {
      throw new OciImageError('ERR_REGISTRY_UNAUTHORIZED', `${method} ${url}: authentication was requested mid-upload`);
    }
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

/** Turns a failed response into ERR_REGISTRY with the registry's own error codes. */
export async function registryError(res: Response, what: string): Promise<OciImageError> {
  let detail = '';
  try {
    const body = (await res.json()) as { errors?: { code?: string; message?: string }[] };
    detail = (body.errors ?? []).map((e) => `${e.code}: ${e.message}`).join('; ');
  } catch {}
  return new OciImageError('ERR_REGISTRY', `${what}: HTTP ${res.status}${detail ? ` (${detail})` : ''}`);
}
