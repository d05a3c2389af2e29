// Unix stream sockets and SCM_RIGHTS descriptor passing. runc's --console-socket hands
// back the pty master this way: listen, accept runc's connection, recvFd.
import { native } from './binding.js';
import { ClosedError } from './errors.js';
import { Waiter } from './poll.js';
import { checkBytes, checkFd, checkInt, checkPath, checkSignal, valueError } from './validate.js';

// One poll handle per fd, shared by concurrent waits (libuv allows one handle per fd).
const waiters = new Map<number, { waiter: Waiter; users: number }>();

async function waitOn<T>(fd: number, attempt: () => T | null, signal?: AbortSignal): Promise<T> {
  let entry = waiters.get(fd);
  if (!entry) {
    entry = { waiter: new Waiter(fd), users: 0 };
    waiters.set(fd, entry);
  }
  entry.users += 1;
  try {
    return await entry.waiter.until(attempt, signal);
  } finally {
    entry.users -= 1;
    if (entry.users === 0) {
      waiters.delete(fd);
      entry.waiter.close();
    }
  }
}

function checkSocketPath(path: unknown): string {
  const p = checkPath('path', path);
  if (Buffer.byteLength(p) > 107) throw valueError('path', p, 'must fit sockaddr_un (at most 107 bytes)');
  return p;
}

/** A listening SOCK_STREAM unix socket (non-blocking, O_CLOEXEC) bound at `path`. */
export function unixListen(path: string, backlog = 16): number {
  return native().unixListen(checkSocketPath(path), checkInt('backlog', backlog, 0, 0x7fffffff));
}

/** Accepts one connection; waits on the event loop, abortable with `signal`. */
export function unixAccept(listenFd: number, opts: { signal?: AbortSignal } = {}): Promise<number> {
  const fd = checkFd('listenFd', listenFd);
  return waitOn(fd, () => native().unixAccept(fd), checkSignal('opts.signal', opts.signal));
}

/** Connects to the unix socket at `path`; a blocking SOCK_STREAM fd with O_CLOEXEC. */
export function unixConnect(path: string): number {
  return native().unixConnect(checkSocketPath(path));
}

/** Sends `fd` over a connected unix socket with SCM_RIGHTS (with `data`, default one NUL byte). */
export function sendFd(socketFd: number, fd: number, data?: Uint8Array): void {
  native().sendFd(
    checkFd('socketFd', socketFd),
    checkFd('fd', fd),
    data === undefined ? null : checkBytes('data', data),
  );
}

/**
 * Receives one fd sent with SCM_RIGHTS (it gets O_CLOEXEC). Rejects with ERR_PEER_CLOSED
 * if the peer hangs up, or sends data without a descriptor, before one arrives.
 */
export function recvFd(socketFd: number, opts: { signal?: AbortSignal } = {}): Promise<number> {
  const sock = checkFd('socketFd', socketFd);
  return waitOn(
    sock,
    () => {
      const got = native().recvFd(sock);
      if (got === -1) {
        throw new ClosedError(
          'ERR_PEER_CLOSED',
          `socket fd ${sock}: the peer sent no descriptor (closed or data only)`,
        );
      }
      return got;
    },
    checkSignal('opts.signal', opts.signal),
  );
}
