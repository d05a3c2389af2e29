// Loads the compiled addon on first use (importing @ctrkit/sys never throws), from
// $CTRKIT_SYS_ADDON if set, else build/Release, else build/Debug (node-gyp's outputs).
// src/ and dist/ both sit one level below the package root, so one relative URL serves both.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { AddonLoadError, SyscallError, UnsupportedError } from './errors.js';

type Fn<A extends unknown[], R> = (...args: A) => R;
type SyncAsync<A extends unknown[], R> = { sync: Fn<A, R>; async: Fn<A, Promise<R>> };

export interface NativeStat {
  dev: bigint;
  ino: bigint;
  mode: bigint;
  nlink: bigint;
  uid: bigint;
  gid: bigint;
  rdev: bigint;
  size: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export interface NativePoll {
  start(events: number, callback: (status: number, events: number) => void): void;
  stop(): void;
  close(): void;
}

type NsArg = string | number | null;

/** The raw addon: every op exists as `name` (sync) and `nameAsync` (libuv thread pool). */
export type Native = {
  [K in keyof Ops as K]: Ops[K]['sync'];
} & {
  [K in keyof Ops as `${K & string}Async`]: Ops[K]['async'];
} & {
  setErrorClass(
    ctor: new (message: string, code: string, errno: number, syscall: string, path?: string, dest?: string) => Error,
  ): void;
  constants: Record<string, Record<string, number>>;
  Poll: new (fd: number) => NativePoll;
  pollEvents: { READABLE: number; WRITABLE: number; DISCONNECT: number };
  alignedBuffer(size: number, alignment: number): Buffer;
  fstatatInto(dirfd: number, path: string, flags: number, out: BigInt64Array): void;
  prctlSetChildSubreaper(on: boolean): void;
  prctlGetChildSubreaper(): boolean;
  prctlSetName(name: string): void;
  prctlGetName(): string;
  setWinsize(fd: number, cols: number, rows: number): void;
  getWinsize(fd: number): { cols: number; rows: number };
};

interface Ops {
  openat2: SyncAsync<[number, string, number, number, number], number>;
  openat: SyncAsync<[number, string, number, number], number>;
  mkdirat: SyncAsync<[number, string, number], void>;
  mknodat: SyncAsync<[number, string, number, number], void>;
  symlinkat: SyncAsync<[string, number, string], void>;
  linkat: SyncAsync<[number, string, number, string, number], void>;
  unlinkat: SyncAsync<[number, string, number], void>;
  renameat2: SyncAsync<[number, string, number, string, number], void>;
  fchownat: SyncAsync<[number, string, number, number, number], void>;
  fchmodat: SyncAsync<[number, string, number, number], void>;
  utimensat: SyncAsync<[number, string, number, number, number, number, number], void>;
  readlinkat: SyncAsync<[number, string], string>;
  syncfs: SyncAsync<[number], void>;
  mount: SyncAsync<[string | null, string, string | null, number, string | null], void>;
  umount: SyncAsync<[string, number], void>;
  mknod: SyncAsync<[string, number, number], void>;
  lsetxattr: SyncAsync<[string, string, Uint8Array, number], void>;
  lgetxattr: SyncAsync<[string, string], Buffer | null>;
  llistxattr: SyncAsync<[string], string[]>;
  lremovexattr: SyncAsync<[string, string], void>;
  fsetxattr: SyncAsync<[number, string, Uint8Array, number], void>;
  fgetxattr: SyncAsync<[number, string], Buffer | null>;
  flistxattr: SyncAsync<[number], string[]>;
  fremovexattr: SyncAsync<[number, string], void>;
  openNetlink: SyncAsync<[number, NsArg, number, number], { fd: number; portId: number }>;
  openInNamespace: SyncAsync<[NsArg, string, number, number], number>;
  unshareFd: SyncAsync<[number, string], number>;
  createNetns: SyncAsync<[string, string], number>;
  deleteNetns: SyncAsync<[string], void>;
  netlinkSend: SyncAsync<[number, Uint8Array], number>;
  netlinkRecv: SyncAsync<[number], Buffer | null>;
  unixListen: SyncAsync<[string, number], number>;
  unixConnect: SyncAsync<[string], number>;
  unixAccept: SyncAsync<[number], number | null>;
  sendFd: SyncAsync<[number, number, Uint8Array | null], number>;
  recvFd: SyncAsync<[number], number | null>;
  pidfdOpen: SyncAsync<[number], number>;
  pidfdSendSignal: SyncAsync<[number, number], number>;
  eventfd: SyncAsync<[number, number], number>;
  eventfdRead: SyncAsync<[number], Buffer | null>;
  eventfdWrite: SyncAsync<[number, bigint], number>;
}

let cached: Native | undefined;

function candidates(): string[] {
  const override = process.env.CTRKIT_SYS_ADDON;
  if (override) return [override];
  return ['../build/Release/ctrkit_sys.node', '../build/Debug/ctrkit_sys.node'].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
}

/** The addon, loaded once. Throws ERR_UNSUPPORTED off Linux and ERR_ADDON_LOAD if unbuilt. */
export function native(): Native {
  if (cached) return cached;
  if (process.platform !== 'linux') {
    throw new UnsupportedError(`@ctrkit/sys needs Linux; this is ${process.platform}`);
  }
  const tried = candidates();
  const path = tried.find((p) => existsSync(p));
  if (!path) {
    throw new AddonLoadError(
      `@ctrkit/sys: the native addon is not built (looked in ${tried.join(', ')}); ` +
        'run `npm rebuild @ctrkit/sys` (needs g++, make, python3 and the Node headers)',
    );
  }
  try {
    const loaded = createRequire(import.meta.url)(path) as Native;
    loaded.setErrorClass(SyscallError);
    cached = loaded;
    return loaded;
  } catch (cause) {
    throw new AddonLoadError(`@ctrkit/sys: could not load ${path}: ${(cause as Error).message}`, { cause });
  }
}
