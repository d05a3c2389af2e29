// Blob downloads over node:http(s) rather than fetch: on the 2-core test host a bulk GET
// through node:http ran ~1.9x faster than through fetch's web streams (4 x 48 MiB from a
// local registry: 1.2 s vs 2.3 s). Redirects are followed by hand, and the Authorization
// header is dropped when a redirect leaves the registry's origin (blob storage on S3/CDN).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { OciImageError } from '../errors.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** GET `url`, following up to 5 redirects. The caller consumes or destroys the body. */
export async function httpGet(
  url: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<IncomingMessage> {
  let current = new URL(url);
  const origin = current.origin;
  for (let hop = 0; hop <= 5; hop++) {
    const h = current.origin === origin ? headers : withoutAuth(headers);
    const res = await once(current, h, signal);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location) return res;
    res.resume();
    current = new URL(location, current);
  }
  throw new OciImageError('ERR_REGISTRY', `GET ${url}: more than 5 redirects`);
}

function withoutAuth(headers: Record<string, string>): Record<string, string> {
  const { authorization: _, ...rest } = headers;
  return rest;
}

function once(url: URL, headers: Record<string, string>, signal?: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', headers, ...(signal ? { signal } : {}) }, resolve);
    req.once('error', reject);
    req.end();
  });
}
