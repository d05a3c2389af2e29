// Platforms as containerd/platforms treats them: parse `os[(version+features)]/arch[/variant]`,
// normalise aliases (aarch64, x86_64, armhf, arm64/v8), and rank candidates by the
// fallback vector (amd64/v3 -> v2 -> v1 -> 386; arm64/v9.x -> ... -> v8.0 -> arm/v8 ... v5).
import { arch as hostArch } from 'node:process';
import { OciImageError } from './errors.js';
import type { Platform } from './types.js';

const COMPONENT = /^[A-Za-z0-9_.-]+$/;
const KNOWN_OS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'windows',
  'zos',
]);
const KNOWN_ARCH = new Set([
  '386',
  'amd64',
  'amd64p32',
  'arm',
  'armbe',
  'arm64',
  'arm64be',
  'ppc64',
  'ppc64le',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'mips64p32',
  'mips64p32le',
  'ppc',
  'riscv',
  'riscv64',
  's390',
  's390x',
  'sparc',
  'sparc64',
  'wasm',
]);

const NODE_ARCH: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

/** The platform this process runs on (linux/amd64 here). */
export function defaultPlatform(): Platform {
  const a = NODE_ARCH[hostArch] ?? hostArch;
  return a === 'arm' ? { os: 'linux', architecture: 'arm', variant: 'v7' } : { os: 'linux', architecture: a };
}

/**
 * Parses `linux`, `arm64`, `linux/arm64/v8`, `windows(10.0.17763+win32k)/amd64`.
 * A single component is an OS (with this host's arch) or an arch (with os linux).
 * @throws OciImageError ERR_INVALID_PLATFORM
 */
export function parsePlatform(spec: string): Platform {
  const m = /^([^/()]+)(?:\(([^)]*)\))?(?:\/(.*))?$/.exec(spec);
  if (!m) throw invalid(spec, 'expected os[(version+features)]/arch[/variant]');
  const first = m[1]!.toLowerCase();
  const rest = m[3] === undefined ? [] : m[3].split('/');
  if (rest.length > 2) throw invalid(spec, 'too many components (at most os/arch/variant)');
  for (const c of [first, ...rest])
    if (!COMPONENT.test(c)) throw invalid(spec, `component ${JSON.stringify(c)} has characters outside [A-Za-z0-9_.-]`);
  let os: string;
  let architecture: string;
  let variant: string | undefined;
  if (rest.length === 0 && m[2] === undefined) {
    if (KNOWN_OS.has(normalizeOs(first))) {
      ({ os, architecture, variant } = { ...defaultPlatform(), os: first });
    } else if (KNOWN_ARCH.has(normalizeArch(first, '').architecture)) {
      ({ os, architecture } = { os: 'linux', architecture: first });
    } else {
      throw invalid(spec, `${JSON.stringify(first)} is neither a known OS nor a known architecture`);
    }
  } else {
    if (rest.length === 0) throw invalid(spec, 'missing architecture after the OS version');
    os = first;
    architecture = rest[0]!.toLowerCase();
    variant = rest[1]?.toLowerCase();
  }
  const out: Record<string, unknown> = { os, architecture };
  if (variant) out.variant = variant;
  if (m[2] !== undefined) {
    const [version, ...features] = m[2].split('+');
    if (version) out['os.version'] = version;
    if (features.length > 0) out['os.features'] = features;
  }
  return normalizePlatform(out as unknown as Platform);
}

/** containerd's Normalize: lowercase, alias architectures, drop or fill default variants. */
export function normalizePlatform(p: Platform): Platform {
  const { architecture, variant } = normalizeArch(p.architecture.toLowerCase(), (p.variant ?? '').toLowerCase());
  const out: Record<string, unknown> = { ...p, os: normalizeOs(p.os.toLowerCase()), architecture };
  if (variant) out.variant = variant;
  else delete out.variant;
  return out as unknown as Platform;
}

function normalizeOs(os: string): string {
  return os === 'macos' ? 'darwin' : os;
}

function normalizeArch(arch: string, variant: string): { architecture: string; variant: string } {
  switch (arch) {
    case 'i386':
      return { architecture: '386', variant: '' };
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return { architecture: 'amd64', variant: variant === 'v1' ? '' : variant };
    case 'aarch64':
    case 'arm64':
      if (variant === '8' || variant === 'v8' || variant === 'v8.0') return { architecture: 'arm64', variant: '' };
      if (/^\d+(\.\d+)?$/.test(variant))
        return { architecture: 'arm64', variant: `v${variant === '9' ? '9.0' : variant}` };
      if (variant === 'v9') return { architecture: 'arm64', variant: 'v9.0' };
      return { architecture: 'arm64', variant };
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      if (variant === '' || variant === '7') return { architecture: 'arm', variant: 'v7' };
      if (/^[5-8]$/.test(variant)) return { architecture: 'arm', variant: `v${variant}` };
      return { architecture: 'arm', variant };
    default:
      return { architecture: arch, variant };
  }
}

/** `os/arch[/variant]`. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/**
 * The platforms `want` can run, best first (containerd's platformVector).
 * Entries are normalised; index 0 is `want` itself.
 */
export function platformVector(want: Platform): Platform[] {
  const p = normalizePlatform(want);
  const base = { os: p.os } as const;
  const v: Platform[] = [p];
  const with_ = (architecture: string, variant?: string): Platform =>
    variant ? { ...base, architecture, variant } : { ...base, architecture };
  if (p.architecture === 'amd64') {
    const n = Number(p.variant?.slice(1));
    if (p.variant && Number.isInteger(n))
      for (let i = n - 1; i >= 1; i--) v.push(with_('amd64', i === 1 ? undefined : `v${i}`));
    v.push(with_('386'));
  } else if (p.architecture === 'arm') {
    const n = Number(p.variant?.slice(1));
    if (Number.isInteger(n)) for (let i = n - 1; i >= 5; i--) v.push(with_('arm', `v${i}`));
  } else if (p.architecture === 'arm64') {
    const m = /^v(\d+)\.(\d+)$/.exec(p.variant ?? 'v8.0');
    let major = Number(m?.[1] ?? 8);
    let minor = Number(m?.[2] ?? 0);
    // v9.x implies v8.(x+5) (Armv9.0 is aligned with Armv8.5).
    while (major > 8 || minor > 0) {
      if (minor > 0) minor--;
      else if (major === 9) {
        major = 8;
        minor = 5;
      } else break;
      v.push(with_('arm64', major === 8 && minor === 0 ? undefined : `v${major}.${minor}`));
    }
    for (let i = 8; i >= 5; i--) v.push(with_('arm', `v${i}`));
  }
  return v;
}

/** The outcome of matching one candidate: its rank (0 = exact) or why it was rejected. */
export type PlatformMatch =
  | { readonly ok: true; readonly rank: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Whether an image for `have` runs on `want`, with a reason when it does not.
 * OS versions must be equal when both are given; `want`'s os.features must all be in `have`'s.
 */
export function matchPlatform(want: Platform | string, have: Platform | undefined): PlatformMatch {
  const w = typeof want === 'string' ? parsePlatform(want) : normalizePlatform(want);
  if (!have) return { ok: false, reason: 'the entry has no platform' };
  const h = normalizePlatform(have);
  if (h.os !== w.os) return { ok: false, reason: `os ${h.os} is not ${w.os}` };
  if (w['os.version'] && h['os.version'] && !h['os.version'].startsWith(w['os.version'])) {
    return { ok: false, reason: `os.version ${h['os.version']} is not ${w['os.version']}` };
  }
  const lacking = (w['os.features'] ?? []).filter((f) => !(h['os.features'] ?? []).includes(f));
  if (lacking.length > 0) return { ok: false, reason: `os.features lacks ${lacking.join(', ')}` };
  const vector = platformVector(w);
  const rank = vector.findIndex((c) => c.architecture === h.architecture && (c.variant ?? '') === (h.variant ?? ''));
  if (rank >= 0) return { ok: true, rank };
  const runnable = vector.map(formatPlatform).join(', ');
  return { ok: false, reason: `${formatPlatform(h)} cannot run on ${formatPlatform(w)} (runnable: ${runnable})` };
}

function invalid(spec: string, why: string): OciImageError {
  return new OciImageError('ERR_INVALID_PLATFORM', `${JSON.stringify(spec)}: ${why}`);
}
