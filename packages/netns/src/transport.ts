// The datagram transport a connection runs on. @ctrkit/sys's NetlinkSocket has exactly
// this shape; anything else with it (a recorded kernel in tests) works too.

export interface NetlinkTransport {
  /** The socket's nl_pid (0 when unknown). */
  readonly portId?: number;
  /** Sends one datagram to the kernel. */
  send(buf: Uint8Array): void;
  /** The next datagram from the kernel. Rejects once the transport is closed. */
  recv(): Promise<Buffer>;
  close(): void;
}
