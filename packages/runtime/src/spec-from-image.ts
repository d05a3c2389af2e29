// Turns an image config plus caller options into a runtime-spec config, the way
// containerd's oci.WithImageConfig + runc's default spec combine: Entrypoint+Cmd,
// merged Env, WorkingDir, User resolved in the rootfs, runc's default mounts,
// masked/readonly paths, capabilities and rlimits, and namespaces to create or join.
import { isAbsolute, join } from 'node:path';
import {
  DEFAULT_PATH,
  defaultCapabilities,
  defaultMaskedPaths,
  defaultMounts,
  defaultReadonlyPaths,
  defaultRlimits,
  OCI_VERSION,
} from './defaults.js';
import { InvalidSpecError } from './errors.js';
import type { ImageConfig } from './image-config.js';
import type { Hooks, Mount, Namespace, NamespaceType, Resources, Rlimit, Spec } from './spec-types.js';
import { resolveUser } from './user.js';
import { validateSpec } from './validate.js';

/** `true` creates a new namespace, `false` shares the caller's, a string joins that path. */
export type NamespaceChoice = boolean | string;

export interface SpecOptions {
  /** The rootfs as written into `root.path`: absolute, or relative to the bundle. */
  readonly rootfs: string;
  /** The bundle directory; needed to read /etc/passwd when `rootfs` is relative. */
  readonly bundleDir?: string;
  /** Mount the rootfs read-only. @default false */
  readonly readonlyRootfs?: boolean;
  /** Absolute cgroup path such as `/ctrkit/<id>` (required: runc nests an empty one under the caller). */
  readonly cgroupsPath: string;
  /** Replaces Entrypoint+Cmd entirely. */
  readonly args?: readonly string[];
  /** Replaces the image's Entrypoint (Cmd is then dropped unless `cmd` is given, as `docker run --entrypoint` does). */
  readonly entrypoint?: readonly string[];
  /** Replaces the image's Cmd. */
  readonly cmd?: readonly string[];
  /** Added to (and overriding by key) the image's Env. */
  readonly env?: Readonly<Record<string, string>> | readonly string[];
  /** Overrides WorkingDir. */
  readonly cwd?: string;
  /** Overrides User ("name", "uid", "uid:gid", "name:group"). */
  readonly user?: string;
  /** Extra supplementary gids on top of /etc/group membership. */
  readonly additionalGids?: readonly number[];
  /** @default the image's Hostname, else "ctrkit" */
  readonly hostname?: string;
  readonly terminal?: boolean;
  /** Namespace choices; unspecified ones follow `runc spec`: pid, network, ipc, uts, mount new. */
  readonly namespaces?: Partial<Record<NamespaceType, NamespaceChoice>>;
  readonly resources?: Resources;
  /** Appended after the default mounts (a destination equal to a default replaces it). */
  readonly mounts?: readonly Mount[];
  readonly hooks?: Hooks;
  /** Replaces the default capability set (names with the CAP_ prefix). */
  readonly capabilities?: readonly string[];
  readonly rlimits?: readonly Rlimit[];
  /** @default true */
  readonly noNewPrivileges?: boolean;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly sysctl?: Readonly<Record<string, string>>;
}

const DEFAULT_NAMESPACES: Record<NamespaceType, NamespaceChoice> = {
  pid: true,
  network: true,
  ipc: true,
  uts: true,
  mount: true,
  user: false,
  cgroup: false,
};

function envMap(list: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of list) {
    const i = e.indexOf('=');
    if (i <= 0) throw new InvalidSpecError('process.env', `entry ${JSON.stringify(e)} is not KEY=value`);
    m.set(e.slice(0, i), e.slice(i + 1));
  }
  return m;
}

function processArgs(image: ImageConfig, opts: SpecOptions): string[] {
  if (opts.args) return [...opts.args];
  const c = image.config ?? {};
  const entrypoint = opts.entrypoint ?? c.Entrypoint ?? [];
  const cmd = opts.cmd ?? (opts.entrypoint ? [] : (c.Cmd ?? []));
  return [...entrypoint, ...cmd];
}

/**
 * Builds a runtime-spec `Spec` from an image config and options. Reads the rootfs'
 * /etc/passwd and /etc/group to resolve the user; throws ERR_INVALID_SPEC naming the
 * field for anything runc would reject, ERR_USER_NOT_FOUND for an unknown user name.
 */
export async function specFromImage(image: ImageConfig, opts: SpecOptions): Promise<Spec> {
  if (typeof opts?.rootfs !== 'string' || opts.rootfs === '') {
    throw new InvalidSpecError('root.path', 'opts.rootfs is required');
  }
  const c = image?.config ?? {};
  let rootfsDir = opts.rootfs;
  if (!isAbsolute(rootfsDir)) {
    if (!opts.bundleDir) {
      throw new InvalidSpecError(
        'root.path',
        `relative rootfs ${JSON.stringify(opts.rootfs)} needs opts.bundleDir to read the user database`,
      );
    }
    rootfsDir = join(opts.bundleDir, rootfsDir);
  }
  const user = await resolveUser(rootfsDir, opts.user ?? c.User ?? '');
  const env = envMap(c.Env ?? []);
  const extra = Array.isArray(opts.env)
    ? envMap(opts.env as readonly string[])
    : new Map(Object.entries(opts.env ?? {}));
  for (const [k, v] of extra) env.set(k, v);
  if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH.slice(5));
  if (!env.has('HOME')) env.set('HOME', user.home);
  if (opts.terminal && !env.has('TERM')) env.set('TERM', 'xterm');

  const namespaces: Namespace[] = [];
  const choices = { ...DEFAULT_NAMESPACES, ...opts.namespaces };
  for (const type of ['pid', 'network', 'ipc', 'uts', 'mount', 'user', 'cgroup'] as const) {
    const choice = choices[type];
    if (choice === true) namespaces.push({ type });
    else if (typeof choice === 'string') namespaces.push({ type, path: choice });
  }

  const mounts = defaultMounts();
  for (const m of opts.mounts ?? []) {
    const i = mounts.findIndex((d) => d.destination === m.destination);
    if (i >= 0) mounts.splice(i, 1);
    mounts.push({ ...m, ...(m.options ? { options: [...m.options] } : {}) });
  }
  // Without a private network namespace, a fresh sysfs mount is refused by the kernel; bind the host's.
  if (choices.network === false) {
    const i = mounts.findIndex((m) => m.destination === '/sys' && m.type === 'sysfs');
    if (i >= 0)
      mounts[i] = {
        destination: '/sys',
        type: 'none',
        source: '/sys',
        options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'],
      };
  }

  const spec: Spec = {
    ociVersion: OCI_VERSION,
    process: {
      terminal: opts.terminal ?? false,
      user: {
        uid: user.uid,
        gid: user.gid,
        ...(user.additionalGids.length + (opts.additionalGids?.length ?? 0) > 0
          ? { additionalGids: [...new Set([...user.additionalGids, ...(opts.additionalGids ?? [])])] }
          : {}),
      },
      args: processArgs(image, opts),
      env: [...env].map(([k, v]) => `${k}=${v}`),
      cwd: opts.cwd ?? (c.WorkingDir || '/'),
      capabilities: defaultCapabilities(opts.capabilities),
      rlimits: opts.rlimits ? opts.rlimits.map((r) => ({ ...r })) : defaultRlimits(),
      noNewPrivileges: opts.noNewPrivileges ?? true,
    },
    root: { path: opts.rootfs, readonly: opts.readonlyRootfs ?? false },
    hostname: opts.hostname ?? (c.Hostname || 'ctrkit'),
    mounts,
    ...(opts.hooks ? { hooks: structuredClone(opts.hooks) as Hooks } : {}),
    ...(opts.annotations || c.Labels ? { annotations: { ...c.Labels, ...opts.annotations } } : {}),
    linux: {
      namespaces,
      cgroupsPath: opts.cgroupsPath,
      resources: {
        devices: [{ allow: false, access: 'rwm' }],
        ...(opts.resources ? (structuredClone(opts.resources) as Resources) : {}),
      },
      maskedPaths: defaultMaskedPaths(),
      readonlyPaths: defaultReadonlyPaths(),
      ...(opts.sysctl ? { sysctl: { ...opts.sysctl } } : {}),
    },
  };
  // The uts namespace is what lets runc set a hostname; sharing the host's forbids it.
  if (choices.uts === false) delete spec.hostname;
  return validateSpec(spec);
}
