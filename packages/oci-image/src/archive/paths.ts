// Member names inside a docker archive are confined to the archive (moby tarexport safePath):
// no absolute paths, no `..`, no NUL; `./` prefixes and duplicate slashes are folded.
import { posix } from 'node:path';
import { OciImageError } from '../errors.js';

/** The canonical relative name of an archive member. @throws ERR_ARCHIVE_PATH_ESCAPE */
export function confinedName(name: string, where = 'archive entry'): string {
  if (name.includes('\0')) throw escapeError(name, where, 'contains NUL');
  if (name.startsWith('/')) throw escapeError(name, where, 'is absolute');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw escapeError(name, where, 'climbs out with ".."');
  if (parts.length === 0) return '.';
  return parts.join('/');
}

/** Resolves a symlink target relative to the link's directory, staying inside the archive. */
export function resolveLink(linkName: string, target: string): string {
  if (target.startsWith('/')) throw escapeError(target, `symlink ${linkName}`, 'points to an absolute path');
  const joined = posix.normalize(posix.join(posix.dirname(linkName), target));
  if (joined === '..' || joined.startsWith('../'))
    throw escapeError(target, `symlink ${linkName}`, 'points outside the archive');
  return confinedName(joined, `symlink ${linkName}`);
}

function escapeError(name: string, where: string, why: string): OciImageError {
  return new OciImageError(
    'ERR_ARCHIVE_PATH_ESCAPE',
    `${where} ${JSON.stringify(name)} ${why}; the archive is malformed or hostile`,
  );
}
