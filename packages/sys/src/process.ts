// prctl(2) calls a container supervisor needs, the terminal size ioctl, and
// page-aligned memory for O_DIRECT.
import { native } from './binding.js';
import { checkBoolean, checkFd, checkInt, typeError, valueError } from './validate.js';

/** PR_SET_CHILD_SUBREAPER: orphaned descendants (e.g. runc's container init) reparent to us. */
export function prctlSetChildSubreaper(on: boolean): void {
  native().prctlSetChildSubreaper(checkBoolean('on', on));
}

/** PR_GET_CHILD_SUBREAPER. */
export function prctlGetChildSubreaper(): boolean {
  return native().prctlGetChildSubreaper();
}

/** PR_SET_NAME on the calling (main) thread: what `ps -L` and /proc/self/comm show. */
export function prctlSetName(name: string): void {
  if (typeof name !== 'string') throw typeError('name', 'of type string', name);
  if (name.includes('\0') || Buffer.byteLength(name) > 15) {
    throw valueError('name', name, 'must be at most 15 bytes without NUL');
  }
  native().prctlSetName(name);
}

/** PR_GET_NAME of the calling thread. */
export function prctlGetName(): string {
  return native().prctlGetName();
}

/** TIOCSWINSZ: sets a pty's size (the container's terminal sees SIGWINCH). */
export function setWinsize(fd: number, cols: number, rows: number): void {
  native().setWinsize(checkFd('fd', fd), checkInt('cols', cols, 0, 0xffff), checkInt('rows', rows, 0, 0xffff));
}

/** TIOCGWINSZ. */
export function getWinsize(fd: number): { cols: number; rows: number } {
  return native().getWinsize(checkFd('fd', fd));
}

/** A zeroed Buffer whose memory starts on an `alignment` boundary, for O_DIRECT reads. */
export function alignedBuffer(size: number, alignment = 4096): Buffer {
  checkInt('size', size, 0, 2 ** 32);
  checkInt('alignment', alignment, 8, 2 ** 24);
  if ((alignment & (alignment - 1)) !== 0) throw valueError('alignment', alignment, 'must be a power of two');
  return native().alignedBuffer(size, alignment);
}
