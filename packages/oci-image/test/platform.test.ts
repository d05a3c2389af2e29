import { describe, expect, it } from 'vitest';
import {
  formatPlatform,
  type ImageIndex,
  MediaTypes,
  matchPlatform,
  normalizePlatform,
  type Platform,
  parseDigest,
  parsePlatform,
  platformVector,
  selectManifest,
} from '../src/index.js';

// Normalisation and fallback tables follow containerd/platforms (database.go normalizeArch,
// compare.go platformVector) as summarised in shared/reference/oci-and-snapshots.md §1.2.
describe('parsePlatform / normalizePlatform', () => {
  it.each([
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/arm64', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm64/v9', 'linux/arm64/v9.0'],
    ['linux/arm64/v8.2', 'linux/arm64/v8.2'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/amd64/v3', 'linux/amd64/v3'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/armel', 'linux/arm/v6'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/7', 'linux/arm/v7'],
    ['linux/arm/v5', 'linux/arm/v5'],
    ['linux/i386', 'linux/386'],
    ['Linux/AMD64', 'linux/amd64'],
    ['macos/arm64', 'darwin/arm64'],
    ['arm64', 'linux/arm64'],
  ])('%s -> %s', (input, want) => {
    expect(formatPlatform(parsePlatform(input))).toBe(want);
  });

  it('reads os version and features', () => {
    expect(parsePlatform('windows(10.0.17763+win32k)/amd64')).toEqual({
      os: 'windows',
      architecture: 'amd64',
      'os.version': '10.0.17763',
      'os.features': ['win32k'],
    });
  });

  it('a bare OS gets this host architecture', () => {
    expect(parsePlatform('linux').os).toBe('linux');
  });

  it.each([['linux/amd64/v2/extra'], ['linux/am d64'], ['frobnicate'], [''], ['linux/']])('rejects %j', (s) => {
    expect(() => parsePlatform(s)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_PLATFORM' }));
  });

  it('normalizePlatform drops empty variants', () => {
    expect(normalizePlatform({ os: 'linux', architecture: 'aarch64', variant: 'v8' })).toEqual({
      os: 'linux',
      architecture: 'arm64',
    });
  });
});

describe('platformVector', () => {
  it.each([
    ['linux/amd64/v3', ['linux/amd64/v3', 'linux/amd64/v2', 'linux/amd64', 'linux/386']],
    ['linux/amd64', ['linux/amd64', 'linux/386']],
    ['linux/arm/v7', ['linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5']],
    ['linux/arm64', ['linux/arm64', 'linux/arm/v8', 'linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5']],
    [
      'linux/arm64/v8.2',
      [
        'linux/arm64/v8.2',
        'linux/arm64/v8.1',
        'linux/arm64',
        'linux/arm/v8',
        'linux/arm/v7',
        'linux/arm/v6',
        'linux/arm/v5',
      ],
    ],
    [
      'linux/arm64/v9.1',
      [
        'linux/arm64/v9.1',
        'linux/arm64/v9.0',
        'linux/arm64/v8.5',
        'linux/arm64/v8.4',
        'linux/arm64/v8.3',
        'linux/arm64/v8.2',
        'linux/arm64/v8.1',
        'linux/arm64',
        'linux/arm/v8',
        'linux/arm/v7',
        'linux/arm/v6',
        'linux/arm/v5',
      ],
    ],
    ['linux/s390x', ['linux/s390x']],
  ])('%s', (p, want) => {
    expect(platformVector(parsePlatform(p)).map(formatPlatform)).toEqual(want);
  });
});

describe('matchPlatform', () => {
  it.each([
    ['linux/arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }, 0],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64' }, 0],
    ['linux/amd64', { os: 'linux', architecture: '386' }, 1],
    ['linux/arm/v7', { os: 'linux', architecture: 'arm', variant: 'v6' }, 1],
  ])('%s runs %j at rank %d', (want, have, rank) => {
    expect(matchPlatform(want, have)).toEqual({ ok: true, rank });
  });

  it.each([
    ['linux/amd64', { os: 'windows', architecture: 'amd64' }, /os windows is not linux/],
    [
      'linux/arm/v6',
      { os: 'linux', architecture: 'arm', variant: 'v7' },
      /linux\/arm\/v7 cannot run on linux\/arm\/v6/,
    ],
    ['linux/amd64', { os: 'linux', architecture: 'amd64', variant: 'v3' }, /cannot run/],
    ['linux/amd64', undefined, /no platform/],
    [
      { os: 'windows', architecture: 'amd64', 'os.features': ['win32k'] },
      { os: 'windows', architecture: 'amd64' },
      /lacks win32k/,
    ],
  ])('%j rejects %j with a reason', (want, have, re) => {
    const m = matchPlatform(want, have);
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.reason).toMatch(re);
  });
});

describe('selectManifest', () => {
  const d = (n: number, platform?: Platform, annotations?: Record<string, string>) => ({
    mediaType: MediaTypes.OciManifest,
    digest: parseDigest(`sha256:${String(n).repeat(64).slice(0, 64)}`),
    size: 100 + n,
    ...(platform ? { platform } : {}),
    ...(annotations ? { annotations } : {}),
  });
  const index: ImageIndex = {
    schemaVersion: 2,
    manifests: [
      d(1, { os: 'linux', architecture: 'amd64' }),
      d(2, { os: 'linux', architecture: 'arm', variant: 'v6' }),
      d(3, { os: 'linux', architecture: 'arm', variant: 'v7' }),
      d(4, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
      d(5, { os: 'unknown', architecture: 'unknown' }, { 'vnd.docker.reference.type': 'attestation-manifest' }),
    ],
  };

  it('picks the best rank and explains the rest', () => {
    const s = selectManifest(index, 'linux/arm/v7');
    expect(s.descriptor.size).toBe(103);
    expect(s.rank).toBe(0);
    expect(s.rejected.map((r) => r.index)).toEqual([0, 1, 3, 4]);
    expect(s.rejected[0]!.reason).toMatch(/linux\/amd64 cannot run on linux\/arm\/v7/);
    expect(s.rejected[1]!.reason).toMatch(/better/);
    expect(s.rejected[3]!.reason).toMatch(/attestation-manifest/);
  });

  it('uses the fallback vector (arm64/v8 -> arm64 entry)', () => {
    expect(selectManifest(index, 'linux/arm64/v8').descriptor.size).toBe(104);
  });

  it('fails with every reason when nothing matches', () => {
    expect(() => selectManifest(index, 'linux/s390x')).toThrow(
      /ERR_NO_MATCHING_MANIFEST: no manifest in the index runs on linux\/s390x:\n {2}manifests\[0\] linux\/amd64/,
    );
  });
});
