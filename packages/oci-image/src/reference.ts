// Image references as docker/distribution's reference package reads them:
// [domain[:port]/]path[:tag][@digest], with docker.io/library defaults for short names.
import { inspect } from 'node:util';
import { type Digest, parseDigest } from './digest.js';
import { OciImageError } from './errors.js';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const MAX_NAME = 255;

export const DOCKER_HUB = 'docker.io';

/** A parsed, normalised image reference. */
export class ImageReference {
  /** Registry host and optional port (`docker.io`, `localhost:5000`). */
  readonly domain: string;
  /** Repository path inside the registry (`library/nginx`). */
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: Digest | undefined;

  constructor(domain: string, path: string, tag: string | undefined, digest: Digest | undefined) {
    this.domain = domain;
    this.path = path;
    this.tag = tag;
    this.digest = digest;
  }

  /** `domain/path` without tag or digest. */
  get name(): string {
    return `${this.domain}/${this.path}`;
  }

  /** What to ask the registry for: the digest when pinned, else the tag. */
  get object(): string {
    return this.digest ?? this.tag ?? 'latest';
  }

  /** The host to contact: docker.io's API lives at registry-1.docker.io. */
  get registryHost(): string {
    return this.domain === DOCKER_HUB ? 'registry-1.docker.io' : this.domain;
  }

  /** A copy with another tag (and no digest). */
  withTag(tag: string): ImageReference {
    if (!TAG.test(tag)) throw invalid(tag, 'tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}');
    return new ImageReference(this.domain, this.path, tag, undefined);
  }

  /** The familiar form users type: `nginx:latest`, `localhost:5000/x:1`. */
  familiar(): string {
    let n = this.name;
    if (this.domain === DOCKER_HUB) n = this.path.startsWith('library/') ? this.path.slice(8) : this.path;
    return `${n}${this.tag ? `:${this.tag}` : ''}${this.digest ? `@${this.digest}` : ''}`;
  }

  toString(): string {
    return `${this.name}${this.tag ? `:${this.tag}` : ''}${this.digest ? `@${this.digest}` : ''}`;
  }

  [inspect.custom](): string {
    return `ImageReference <${this.toString()}>`;
  }
}

export interface ParseReferenceOptions {
  /** Tag added when the reference has neither tag nor digest. @default 'latest' */
  readonly defaultTag?: string | null;
}

/**
 * Parses and normalises a reference: `nginx` → `docker.io/library/nginx:latest`.
 * The first component is a domain when it has a `.` or `:` or is `localhost`.
 * @throws OciImageError ERR_INVALID_REFERENCE saying which part is wrong.
 */
export function parseReference(ref: string, options: ParseReferenceOptions = {}): ImageReference {
  if (typeof ref !== 'string' || ref === '') throw invalid(String(ref), 'empty reference');
  let rest = ref;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    try {
      digest = parseDigest(rest.slice(at + 1), 'digest');
    } catch (err) {
      throw invalid(ref, (err as Error).message.replace(/^ERR_INVALID_DIGEST: /, ''));
    }
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(ref, `tag ${JSON.stringify(tag)} must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  const parts = rest.split('/');
  let domain = DOCKER_HUB;
  const first = parts[0]!;
  if (
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())
  ) {
    if (!DOMAIN.test(first)) throw invalid(ref, `${JSON.stringify(first)} is not a valid registry host[:port]`);
    domain = first === 'index.docker.io' ? DOCKER_HUB : first;
    parts.shift();
  }
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      const why =
        p !== p.toLowerCase()
          ? 'repository names must be lowercase'
          : 'use [a-z0-9] separated by ".", "_", "__" or "-"';
      throw invalid(ref, `path component ${JSON.stringify(p)} is invalid: ${why}`);
    }
  }
  if (domain === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const path = parts.join('/');
  if (domain.length + 1 + path.length > MAX_NAME) throw invalid(ref, `the name is longer than ${MAX_NAME} characters`);
  const defaultTag = options.defaultTag === undefined ? 'latest' : options.defaultTag;
  if (tag === undefined && digest === undefined && defaultTag !== null) tag = defaultTag;
  return new ImageReference(domain, path, tag, digest);
}

function invalid(ref: string, why: string): OciImageError {
  return new OciImageError('ERR_INVALID_REFERENCE', `${JSON.stringify(ref)}: ${why}`);
}
