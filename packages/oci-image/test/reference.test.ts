import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseReference } from '../src/index.js';

const D = `sha256:${'a'.repeat(64)}`;

// Expected forms follow docker/distribution's reference.ParseNormalizedNamed.
describe('parseReference', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest', 'docker.io', 'library/nginx'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25', 'docker.io', 'library/nginx'],
    ['user/app', 'docker.io/user/app:latest', 'docker.io', 'user/app'],
    ['docker.io/nginx', 'docker.io/library/nginx:latest', 'docker.io', 'library/nginx'],
    ['index.docker.io/library/nginx', 'docker.io/library/nginx:latest', 'docker.io', 'library/nginx'],
    ['localhost/app', 'localhost/app:latest', 'localhost', 'app'],
    ['localhost:5000/a/b/c:v1', 'localhost:5000/a/b/c:v1', 'localhost:5000', 'a/b/c'],
    ['127.0.0.1:5000/img:tag', '127.0.0.1:5000/img:tag', '127.0.0.1:5000', 'img'],
    [`ghcr.io/o/r@${D}`, `ghcr.io/o/r@${D}`, 'ghcr.io', 'o/r'],
    [`ghcr.io/o/r:t@${D}`, `ghcr.io/o/r:t@${D}`, 'ghcr.io', 'o/r'],
    ['[::1]:5000/x', '[::1]:5000/x:latest', '[::1]:5000', 'x'],
    ['a__b/c-d.e_f', 'docker.io/a__b/c-d.e_f:latest', 'docker.io', 'a__b/c-d.e_f'],
  ])('%s', (input, full, domain, path) => {
    const r = parseReference(input);
    expect(r.toString()).toBe(full);
    expect(r.domain).toBe(domain);
    expect(r.path).toBe(path);
  });

  it('knows the object to fetch and the familiar name', () => {
    expect(parseReference('nginx').object).toBe('latest');
    expect(parseReference(`x@${D}`).object).toBe(D);
    expect(parseReference('nginx').familiar()).toBe('nginx:latest');
    expect(parseReference('nginx').registryHost).toBe('registry-1.docker.io');
    expect(inspect(parseReference('nginx'))).toBe('ImageReference <docker.io/library/nginx:latest>');
    expect(parseReference('nginx', { defaultTag: null }).tag).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['Nginx', /lowercase/],
    ['nginx:', /tag ""/],
    ['nginx:-bad', /tag "-bad"/],
    ['nginx@sha256:abc', /needs 64/],
    ['a//b', /path component ""/],
    ['a/-b', /path component "-b"/],
    ['host:port:5000/x', /not a valid registry host/],
    [`a/${'b'.repeat(260)}`, /longer than 255/],
    [`x:${'t'.repeat(129)}`, /tag/],
  ])('rejects %j', (input, re) => {
    expect(() => parseReference(input)).toThrow(re);
    expect(() => parseReference(input)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_REFERENCE' }));
  });
});
