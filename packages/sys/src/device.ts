// Device numbers and nodes. makedev/major/minor follow glibc's encoding (12-bit major and
// 20-bit minor in the low 32 bits, the rest above), done in JS since it is arithmetic only.
import { native } from './binding.js';
import { checkInt, checkMode, checkPath, rangeError } from './validate.js';

/** Combines a major and minor number into a dev_t (overlay whiteouts are makedev(0, 0)). */
export function makedev(major: number, minor: number): number {
  checkInt('major', major, 0, 0xffffffff);
  checkInt('minor', minor, 0, 0xffffffff);
  const ma = BigInt(major);
  const mi = BigInt(minor);
  const dev = ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
  if (dev > BigInt(Number.MAX_SAFE_INTEGER)) throw rangeError('major', 'small enough for a safe integer dev_t', major);
  return Number(dev);
}

/** The major number of a dev_t. */
export function major(dev: number): number {
  const d = BigInt(checkInt('dev', dev, 0, Number.MAX_SAFE_INTEGER));
  return Number(((d >> 32n) & 0xfffff000n) | ((d >> 8n) & 0xfffn));
}

/** The minor number of a dev_t. */
export function minor(dev: number): number {
  const d = BigInt(checkInt('dev', dev, 0, Number.MAX_SAFE_INTEGER));
  return Number(((d >> 12n) & 0xffffff00n) | (d & 0xffn));
}

/** mknod(2) on the thread pool; `mode` includes the file type (S.IFCHR | 0o644, ...). */
export function mknod(path: string, mode: number, dev: number): Promise<void> {
  return native().mknodAsync(
    checkPath('path', path),
    checkMode('mode', mode),
    checkInt('dev', dev, 0, Number.MAX_SAFE_INTEGER),
  );
}

/** mknod(2) on the calling thread. */
export function mknodSync(path: string, mode: number, dev: number): void {
  native().mknod(checkPath('path', path), checkMode('mode', mode), checkInt('dev', dev, 0, Number.MAX_SAFE_INTEGER));
}
