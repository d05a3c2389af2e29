// Checks a spec before runc ever sees it: runc only fails at create time, with errors
// that name no field. Each failure is an InvalidSpecError naming the JSON path.
import { InvalidSpecError } from './errors.js';
import type { Hook, Spec } from './spec-types.js';

const NS_TYPES = new Set(['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup']);
const HOOK_KINDS = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;

function isUint32(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

/** Throws InvalidSpecError for the first problem found; returns the spec unchanged. */
export function validateSpec(spec: Spec): Spec {
  if (typeof spec !== 'object' || spec === null) throw new InvalidSpecError('(root)', 'the spec must be an object');
  if (typeof spec.ociVersion !== 'string' || spec.ociVersion === '') {
    throw new InvalidSpecError('ociVersion', 'must be a non-empty string such as "1.0.2-dev"');
  }
  if (!spec.root || typeof spec.root.path !== 'string' || spec.root.path === '') {
    throw new InvalidSpecError('root.path', 'the rootfs path is required');
  }
  const p = spec.process;
  if (p) {
    if (!Array.isArray(p.args) || p.args.length === 0 || p.args.some((a) => typeof a !== 'string')) {
      throw new InvalidSpecError(
        'process.args',
        'must be a non-empty array of strings (set Entrypoint/Cmd or opts.args)',
      );
    }
    if (typeof p.cwd !== 'string' || !p.cwd.startsWith('/')) {
      throw new InvalidSpecError('process.cwd', `must be an absolute path, got ${JSON.stringify(p.cwd)}`);
    }
    if (!p.user || !isUint32(p.user.uid) || !isUint32(p.user.gid)) {
      throw new InvalidSpecError('process.user', 'uid and gid must be integers in 0..4294967295');
    }
    p.user.additionalGids?.forEach((g, i) => {
      if (!isUint32(g)) throw new InvalidSpecError(`process.user.additionalGids[${i}]`, 'must be an integer gid');
    });
    p.env?.forEach((e, i) => {
      if (typeof e !== 'string' || !e.includes('=')) {
        throw new InvalidSpecError(`process.env[${i}]`, `must be KEY=value, got ${JSON.stringify(e)}`);
      }
    });
    p.rlimits?.forEach((r, i) => {
      if (!/^RLIMIT_[A-Z]+$/.test(r.type))
        throw new InvalidSpecError(`process.rlimits[${i}].type`, `unknown ${r.type}`);
      if (!(r.soft <= r.hard)) throw new InvalidSpecError(`process.rlimits[${i}]`, 'soft must not exceed hard');
    });
  }
  spec.mounts?.forEach((m, i) => {
    if (typeof m.destination !== 'string' || !m.destination.startsWith('/')) {
      throw new InvalidSpecError(
        `mounts[${i}].destination`,
        `must be an absolute path, got ${JSON.stringify(m.destination)}`,
      );
    }
  });
  if (spec.hooks) {
    for (const kind of HOOK_KINDS) {
      spec.hooks[kind]?.forEach((h: Hook, i) => {
        if (typeof h.path !== 'string' || !h.path.startsWith('/')) {
          throw new InvalidSpecError(`hooks.${kind}[${i}].path`, `must be absolute, got ${JSON.stringify(h.path)}`);
        }
        if (h.timeout !== undefined && !(Number.isInteger(h.timeout) && h.timeout > 0)) {
          throw new InvalidSpecError(`hooks.${kind}[${i}].timeout`, 'must be a positive integer number of seconds');
        }
      });
    }
  }
  const linux = spec.linux;
  if (!linux) throw new InvalidSpecError('linux', 'a Linux section with an absolute cgroupsPath is required');
  if (typeof linux.cgroupsPath !== 'string' || !linux.cgroupsPath.startsWith('/') || linux.cgroupsPath === '/') {
    // An empty or relative path makes runc nest the container under the caller's own cgroup.
    throw new InvalidSpecError(
      'linux.cgroupsPath',
      `must be an absolute path below the cgroup root such as "/ctrkit/<id>", got ${JSON.stringify(linux.cgroupsPath)}`,
    );
  }
  if (linux.cgroupsPath.split('/').some((s) => s === '..' || s === '.')) {
    throw new InvalidSpecError('linux.cgroupsPath', 'must not contain "." or ".." segments');
  }
  const seen = new Set<string>();
  linux.namespaces?.forEach((ns, i) => {
    if (!NS_TYPES.has(ns.type))
      throw new InvalidSpecError(`linux.namespaces[${i}].type`, `unknown namespace ${ns.type}`);
    if (seen.has(ns.type)) throw new InvalidSpecError(`linux.namespaces[${i}].type`, `duplicate namespace ${ns.type}`);
    seen.add(ns.type);
    if (ns.path !== undefined && !ns.path.startsWith('/')) {
      throw new InvalidSpecError(`linux.namespaces[${i}].path`, `must be absolute, got ${JSON.stringify(ns.path)}`);
    }
  });
  const mem = linux.resources?.memory?.limit;
  if (mem !== undefined && !(Number.isInteger(mem) && (mem > 0 || mem === -1))) {
    throw new InvalidSpecError(
      'linux.resources.memory.limit',
      'must be a positive number of bytes (or -1 for unlimited)',
    );
  }
  const pids = linux.resources?.pids?.limit;
  if (pids !== undefined && !Number.isInteger(pids)) {
    throw new InvalidSpecError('linux.resources.pids.limit', 'must be an integer (-1 or 0 for unlimited)');
  }
  if (p?.terminal && p.consoleSize && !(p.consoleSize.width > 0 && p.consoleSize.height > 0)) {
    throw new InvalidSpecError('process.consoleSize', 'width and height must be positive');
  }
  return spec;
}
