// Per-entry ownership and xattrs, applied in the order G4 requires (chown before
// xattrs, both before chmod and times), with rule 4's filter and the documented
// tolerances (EPERM for user.* on symlinks and devices, one warning per ENOTSUP name).
import { fchownSync, readFileSync } from 'node:fs';
import { LayerIoError } from './errors.js';
import { AT, fchownatSync, fsetxattrSync, lsetxattrSync } from './sys.js';
import type { TarHeader } from './tar-header.js';
import { isExcludedXattr } from './xattr-policy.js';

export interface MetadataPolicy {
  readonly rootless: boolean;
  readonly realRoot: boolean;
}

/** The process umask, read without changing it (process.umask() with no argument is deprecated). */
export function readUmask(): number {
  try {
    const m = /^Umask:\s*([0-7]+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number.parseInt(m[1]!, 8) : 0o777;
  } catch {
    return 0o777;
  }
}

/** chown then xattrs; `fd` is used when the entry is open, else the path under its parent fd. */
export function ownAndXattrs(
  h: TarHeader,
  pfd: number,
  name: string,
  fd: number,
  opts: MetadataPolicy,
  warnOnce: (key: string, message: string) => void,
): void {
  if (!opts.rootless) {
    if (fd >= 0) fchownSync(fd, h.uid, h.gid);
    else fchownatSync(pfd, name, h.uid, h.gid, AT.SYMLINK_NOFOLLOW);
  }
  for (const [k, v] of h.xattrs) {
    if (isExcludedXattr(k)) continue;
    if (k.startsWith('trusted.') && !opts.realRoot) continue;
    try {
      if (fd >= 0) fsetxattrSync(fd, k, v);
      else lsetxattrSync(`/proc/self/fd/${pfd}/${name}`, k, v);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
        warnOnce(`xattr:${k}`, `the file system does not support xattr ${k}; it was not applied (first at ${h.name})`);
      } else if (code === 'EPERM' && (fd < 0 || opts.rootless)) {
        // user.* on symlinks and devices is refused by the kernel (G2); rootless cannot set trusted.*.
      } else throw new LayerIoError(h.name, `setting xattr ${k} on`, e);
    }
  }
}
