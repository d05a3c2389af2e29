// Regression: a runtime that exits before the caller reads its pipes must not lose the
// output (Node drains unread child stdio pipes on exit).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RuncProcess } from '../src/index.js';

describe('RuncProcess stdio', () => {
  it('keeps the output of a process that exited before anyone read it', async () => {
    const child = spawn('sh', ['-c', 'echo out; echo err >&2'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const proc = new RuncProcess(child, new Promise<never>(() => {}));
    await proc.exited;
    // Give Node the turn in which it would drain unread pipes.
    await new Promise((r) => setTimeout(r, 50));
    const read = async (s: NodeJS.ReadableStream | null) => {
      let text = '';
      for await (const c of s ?? []) text += String(c);
      return text;
    };
    expect(await read(proc.stdout)).toBe('out\n');
    expect(await read(proc.stderr)).toBe('err\n');
  });
});
