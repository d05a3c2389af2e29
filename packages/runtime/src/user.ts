// Resolves an image config's `User` ("name", "uid", "uid:gid", "name:group") against the
// rootfs' own /etc/passwd and /etc/group, as runc's libcontainer/user GetExecUser does.
import { RuntimeError } from './errors.js';
import { readInRoot } from './internal/in-root.js';

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  /**
   * Supplementary groups: the primary gid first (as containerd's WithAdditionalGIDs does, so
   * `id` shows it under groups=), then the groups in /etc/group listing the user.
   */
  readonly additionalGids: number[];
  /** The user's name, when /etc/passwd knows it. */
  readonly username?: string;
  /** The home directory from /etc/passwd ("/" when unknown), used for $HOME. */
  readonly home: string;
}

const ID = /^\d+$/;

/** Parses /etc/passwd text; malformed lines are skipped as libc does. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4 || !ID.test(f[2] ?? '') || !ID.test(f[3] ?? '')) continue;
    out.push({ name: f[0] ?? '', uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '', shell: f[6] ?? '' });
  }
  return out;
}

/** Parses /etc/group text; malformed lines are skipped. */
export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 3 || !ID.test(f[2] ?? '')) continue;
    const members = (f[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    out.push({ name: f[0] ?? '', gid: Number(f[2]), members });
  }
  return out;
}

/**
 * Resolves `user` against parsed passwd/group entries. An empty string means root.
 * A numeric uid unknown to passwd is allowed (gid 0), a name unknown to passwd is not.
 */
export function resolveUserFrom(
  user: string,
  passwd: readonly PasswdEntry[],
  groups: readonly GroupEntry[],
): ResolvedUser {
  const spec = user.trim();
  const colon = spec.indexOf(':');
  const userPart = colon === -1 ? spec : spec.slice(0, colon);
  const groupPart = colon === -1 ? undefined : spec.slice(colon + 1);
  let entry: PasswdEntry | undefined;
  let uid: number;
  if (userPart === '') {
    entry = passwd.find((p) => p.uid === 0);
    uid = 0;
  } else if (ID.test(userPart)) {
    uid = Number(userPart);
    entry = passwd.find((p) => p.uid === uid);
  } else {
    entry = passwd.find((p) => p.name === userPart);
    if (!entry) {
      throw new RuntimeError(
        'ERR_USER_NOT_FOUND',
        'not-found',
        `user "${userPart}" (from "${user}") is not in the rootfs' /etc/passwd; use a numeric uid or add the user to the image`,
      );
    }
    uid = entry.uid;
  }
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (ID.test(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) {
        throw new RuntimeError(
          'ERR_USER_NOT_FOUND',
          'not-found',
          `group "${groupPart}" (from "${user}") is not in the rootfs' /etc/group; use a numeric gid or add the group to the image`,
        );
      }
      gid = g.gid;
    }
  }
  const name = entry?.name;
  const additionalGids: number[] = [gid];
  if (name !== undefined) {
    for (const g of groups) {
      if (g.members.includes(name) && !additionalGids.includes(g.gid)) additionalGids.push(g.gid);
    }
  }
  return { uid, gid, additionalGids, ...(name !== undefined ? { username: name } : {}), home: entry?.home || '/' };
}

/** Reads the rootfs' /etc/passwd and /etc/group (symlinks resolved inside the rootfs) and resolves `user`. */
export async function resolveUser(rootfs: string, user: string): Promise<ResolvedUser> {
  const [passwd, group] = await Promise.all([readInRoot(rootfs, '/etc/passwd'), readInRoot(rootfs, '/etc/group')]);
  return resolveUserFrom(user, parsePasswd(passwd ?? ''), parseGroup(group ?? ''));
}
