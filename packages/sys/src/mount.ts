// mount(2) and umount2(2). Overlay option strings can be long (many lowerdirs); the
// kernel limits `data` to one page, so longer ones fail with EINVAL from the kernel.
import { native } from './binding.js';
import { checkFlags, checkPath, typeError } from './validate.js';

function optional(label: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw typeError(label, 'of type string or null', value);
  return checkPath(label, value, true);
}

/**
 * mount(2). `flags` is a mask of MS.*; `data` is the filesystem's option string.
 *
 * @example
 * await mount('overlay', '/mnt/x', 'overlay', 0, 'lowerdir=/l,upperdir=/u,workdir=/w');
 */
export function mount(
  source: string | null,
  target: string,
  fstype: string | null,
  flags: number,
  data?: string | null,
): Promise<void> {
  return native().mountAsync(
    optional('source', source),
    checkPath('target', target),
    optional('fstype', fstype),
    checkFlags('flags', flags),
    optional('data', data),
  );
}

/** mount(2) on the calling thread. */
export function mountSync(
  source: string | null,
  target: string,
  fstype: string | null,
  flags: number,
  data?: string | null,
): void {
  native().mount(
    optional('source', source),
    checkPath('target', target),
    optional('fstype', fstype),
    checkFlags('flags', flags),
    optional('data', data),
  );
}

/** umount2(2); `flags` is a mask of MNT.* (DETACH for a lazy unmount). */
export function umount(target: string, flags = 0): Promise<void> {
  return native().umountAsync(checkPath('target', target), checkFlags('flags', flags));
}

/** umount2(2) on the calling thread. */
export function umountSync(target: string, flags = 0): void {
  native().umount(checkPath('target', target), checkFlags('flags', flags));
}
