// The @ctrkit/sys bindings this package uses, loaded on first use so that importing
// @ctrkit/netns never loads the addon (and works off Linux for the pure codec).
import { NetnsError } from '../errors.js';
import type { NetlinkTransport } from '../transport.js';

/** A namespace reference as @ctrkit/sys takes it: a path (/run/netns/x, /proc/PID/ns/net) or an fd. */
export type NsRef = string | number;

export interface SysNetlinkSocket extends NetlinkTransport {
  readonly fd: number;
  readonly portId: number;
}

export interface SysBindings {
  readonly NETLINK: { readonly ROUTE: number };
  readonly O: { readonly RDONLY: number; readonly WRONLY: number };
  openNetlinkSocket(
    protocol: number,
    opts?: { netns?: NsRef; groups?: number; rcvbuf?: number },
  ): Promise<SysNetlinkSocket>;
  openNetlinkSocketSync(protocol: number, opts?: { netns?: NsRef }): SysNetlinkSocket;
  openInNamespace(nsPath: NsRef, path: string, flags: number, mode?: number): Promise<number>;
  deleteNetns(name: string): Promise<void>;
  createNamespaceFdSync(kind: 'net'): number;
  createNetnsFdSync(name: string): number;
}

let loaded: Promise<SysBindings> | undefined;

export function loadSys(): Promise<SysBindings> {
  if (process.platform !== 'linux') {
    return Promise.reject(
      new NetnsError('ERR_UNSUPPORTED', `network namespaces and rtnetlink need Linux (this is ${process.platform})`),
    );
  }
  loaded ??= import('@ctrkit/sys').then(
    (m) => m as unknown as SysBindings,
    (err: unknown) => {
      loaded = undefined;
      throw new NetnsError(
        'ERR_UNSUPPORTED',
        `@ctrkit/sys (the native addon for setns and netlink sockets) failed to load: ${String(err)}`,
        {
          cause: err,
        },
      );
    },
  );
  return loaded;
}
