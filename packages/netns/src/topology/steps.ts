// The machinery every topology shares: named steps (with a hook tests use to inject a
// failure at each one), an undo stack run in reverse when a step fails, and connections
// opened on demand and closed afterwards.
import { isNetlinkErrno, NetnsError } from '../errors.js';
import { Netns } from '../netns.js';
import { Rtnetlink } from '../rtnetlink.js';

/** Called before each step with its name; a throw aborts the wiring and rolls it back. */
export type StepHook = (step: string) => void | Promise<void>;

export class StepRunner {
  private readonly undo: { step: string; fn: () => Promise<void> }[] = [];
  constructor(
    private readonly hook: StepHook | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Runs `fn` as step `name`; `undo` (if given) is registered once it succeeded. */
  async step<T>(name: string, fn: () => Promise<T>, undo?: (result: T) => Promise<void>): Promise<T> {
    this.signal?.throwIfAborted();
    if (this.hook) await this.hook(name);
    const result = await fn();
    if (undo) this.undo.push({ step: name, fn: () => undo(result) });
    return result;
  }

  /**
   * Runs steps without waiting for each answer: every `fn` must send its request
   * synchronously (numeric ifindexes, no lookups), so the kernel, which handles one
   * socket's messages in order, sees them in this order. The hooks run first; the steps
   * before the first one that throws are still launched, all inside `batch` (pass the
   * connection's, to send them in one datagram). Resolves once all have answered; rejects
   * with the first failure (in step order) after registering the undos of the rest.
   */
  async pipeline(steps: readonly PipelinedStep[], batch: Batcher = (fn) => fn()): Promise<void> {
    let ready = 0;
    let stopped: unknown;
    let aborted = false;
    for (const step of steps) {
      try {
        this.signal?.throwIfAborted();
        if (this.hook) await this.hook(step.name);
      } catch (err) {
        stopped = err;
        aborted = true;
        break;
      }
      ready++;
    }
    const launched = batch(() => steps.slice(0, ready).map((step) => ({ step, done: step.fn() })));
    const results = await Promise.allSettled(launched.map((l) => l.done));
    results.forEach((r, i) => {
      const undo = launched[i]?.step.undo;
      if (r.status === 'fulfilled' && undo) {
        const value = r.value;
        this.undo.push({ step: launched[i]!.step.name, fn: () => undo(value) });
      }
    });
    if (aborted) throw stopped;
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** Undoes every completed step, newest first. Errors of ENODEV/ESRCH (already gone) are ignored. */
  async rollback(cause: unknown): Promise<never> {
    const failures: unknown[] = [];
    for (const u of this.undo.reverse()) {
      try {
        await u.fn();
      } catch (err) {
        if (!isGone(err)) failures.push(err);
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(
        [cause, ...failures],
        `wiring failed and ${failures.length} rollback step(s) failed too`,
      );
    }
    throw cause;
  }
}

export interface PipelinedStep {
  readonly name: string;
  readonly fn: () => Promise<unknown>;
  /** Called with what `fn` resolved to. */
  readonly undo?: (result: unknown) => Promise<void>;
}

/** Runs `fn`, sending the requests it starts together (`rt.batch`). */
export type Batcher = <T>(fn: () => T) => T;

export function isGone(err: unknown): boolean {
  return (
    isNetlinkErrno(err, 'ENODEV') ||
    isNetlinkErrno(err, 'ESRCH') ||
    isNetlinkErrno(err, 'EADDRNOTAVAIL') ||
    (err instanceof NetnsError && err.code === 'ERR_LINK_NOT_FOUND')
  );
}

export type NsArg = Netns | string;

/** Connections for a topology: reuses the caller's, or opens (and later closes) its own. */
export class Connections {
  private readonly opened: Rtnetlink[] = [];
  private readonly openedNs: Netns[] = [];

  async get(given: Rtnetlink | undefined, ns: NsArg | undefined): Promise<Rtnetlink> {
    if (given) return given;
    const rt = await Rtnetlink.open(ns === undefined ? {} : { netns: ns });
    this.opened.push(rt);
    return rt;
  }

  /** A Netns (with an fd) for IFLA_NET_NS_FD. */
  async netns(ns: NsArg): Promise<Netns> {
    if (ns instanceof Netns) return ns;
    const opened = await Netns.open(ns);
    this.openedNs.push(opened);
    return opened;
  }

  close(): void {
    for (const rt of this.opened) rt.close();
    for (const ns of this.openedNs) ns.close();
  }
}
