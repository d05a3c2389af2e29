// Registry authentication: parse WWW-Authenticate challenges, fetch bearer tokens from
// the realm (with basic credentials when we have them), or answer Basic challenges.
import { OciImageError } from '../errors.js';

export type Credentials = { readonly username: string; readonly password: string } | { readonly token: string };

export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (one challenge; commas inside quotes kept). */
export function parseChallenge(header: string): Challenge {
  const m = /^\s*(\S+)\s*(.*)$/.exec(header);
  if (!m) throw new OciImageError('ERR_REGISTRY', `cannot read WWW-Authenticate ${JSON.stringify(header)}`);
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let p = re.exec(m[2]!); p; p = re.exec(m[2]!))
    params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: m[1]!.toLowerCase(), params };
}

export function basicHeader(c: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

/** Asks the challenge's realm for a token covering `scope`. */
export async function fetchToken(
  fetchFn: typeof fetch,
  challenge: Challenge,
  scope: string | undefined,
  creds: Credentials | undefined,
  signal?: AbortSignal,
): Promise<string> {
  const realm = challenge.params.realm;
  if (!realm)
    throw new OciImageError('ERR_REGISTRY_UNAUTHORIZED', 'the registry sent a Bearer challenge without a realm');
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  const s = scope ?? challenge.params.scope;
  if (s) url.searchParams.set('scope', s);
  const headers: Record<string, string> = {};
  if (creds && 'username' in creds) headers.authorization = basicHeader(creds);
  const res = await fetchFn(url, { headers, ...(signal ? { signal } : {}) });
  if (!res.ok) {
    throw new OciImageError(
      'ERR_REGISTRY_UNAUTHORIZED',
      `token request to ${url.origin}${url.pathname} failed with ${res.status}; check the credentials`,
    );
  }
  const body = (await res.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new OciImageError('ERR_REGISTRY_UNAUTHORIZED', `token response from ${url.origin} has no token`);
  return token;
}
