// The rollback machinery of the topologies, on its own: step order, pipelining, undo order.
import { describe, expect, it } from 'vitest';
import { NetlinkError } from '../src/errors.js';
import { StepRunner } from '../src/topology/steps.js';

describe('StepRunner', () => {
  it('undoes completed steps newest first and rethrows the cause', async () => {
    const log: string[] = [];
    const run = new StepRunner(undefined, undefined);
    await run.step(
      'a',
      async () => log.push('do a'),
      async () => void log.push('undo a'),
    );
    await run.step(
      'b',
      async () => log.push('do b'),
      async () => void log.push('undo b'),
    );
    const cause = new Error('c failed');
    await expect(run.step('c', async () => Promise.reject(cause)).catch((e) => run.rollback(e))).rejects.toBe(cause);
    expect(log).toEqual(['do a', 'do b', 'undo b', 'undo a']);
  });

  it('pipeline launches every step before awaiting, in order, and keeps undos of the ones that succeeded', async () => {
    const launched: string[] = [];
    const undone: string[] = [];
    const run = new StepRunner(undefined, undefined);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const p = run.pipeline(
      ['x', 'y', 'z'].map((name) => ({
        name,
        fn: async () => {
          launched.push(name);
          await gate;
          if (name === 'y') throw new NetlinkError(17, 'EEXIST', name);
        },
        undo: async () => void undone.push(name),
      })),
    );
    await new Promise((r) => setTimeout(r, 5));
    expect(launched).toEqual(['x', 'y', 'z']); // all sent before any answer
    release();
    await expect(p).rejects.toMatchObject({ errnoName: 'EEXIST' });
    await expect(run.rollback(new Error('stop'))).rejects.toThrow('stop');
    expect(undone).toEqual(['z', 'x']);
  });

  it('a hook that throws stops launching; what was launched settles first', async () => {
    const launched: string[] = [];
    const run = new StepRunner((s) => {
      if (s === 'b') throw new Error('injected');
    }, undefined);
    await expect(
      run.pipeline(['a', 'b', 'c'].map((name) => ({ name, fn: async () => void launched.push(name) }))),
    ).rejects.toThrow('injected');
    expect(launched).toEqual(['a']);
  });

  it('pipeline runs the hooks first, then launches the steps inside one batch call; undo gets the result', async () => {
    const log: string[] = [];
    const run = new StepRunner((s) => void log.push(`hook ${s}`), undefined);
    const batch = <T>(fn: () => T): T => {
      log.push('batch{');
      const r = fn();
      log.push('}');
      return r;
    };
    await run.pipeline(
      ['a', 'b'].map((name) => ({
        name,
        fn: async () => {
          log.push(`send ${name}`);
          return `${name}!`;
        },
        undo: async (result: unknown) => void log.push(`undo ${String(result)}`),
      })),
      batch,
    );
    await expect(run.rollback(new Error('stop'))).rejects.toThrow('stop');
    expect(log).toEqual(['hook a', 'hook b', 'batch{', 'send a', 'send b', '}', 'undo b!', 'undo a!']);
  });

  it('rollback ignores "already gone" errors but reports others with the cause', async () => {
    const run = new StepRunner(undefined, undefined);
    await run.step(
      'gone',
      async () => {},
      async () => Promise.reject(new NetlinkError(19, 'ENODEV', 'ip link del x')),
    );
    await run.step(
      'bad',
      async () => {},
      async () => Promise.reject(new NetlinkError(16, 'EBUSY', 'ip link del y')),
    );
    const err = await run.rollback(new Error('cause')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AggregateError);
    expect((err as AggregateError).errors).toHaveLength(2);
  });

  it('an aborted signal stops before the next step', async () => {
    const ac = new AbortController();
    const run = new StepRunner(undefined, ac.signal);
    ac.abort(new Error('aborted'));
    await expect(run.step('a', async () => {})).rejects.toThrow('aborted');
  });
});
