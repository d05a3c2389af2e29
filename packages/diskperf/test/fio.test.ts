import { describe, expect, it } from 'vitest';
import { parseFioOutput } from '../src/index.js';

describe('parseFioOutput', () => {
  it('keeps the notes fio prints before its JSON (reference §6)', () => {
    const out =
      'note: both iodepth >= 1 and synchronous I/O engine are selected, queue depth will be capped at 1\n{\n  "fio version" : "fio-3.33",\n  "jobs" : []\n}\n';
    const { json, notes } = parseFioOutput(out);
    expect(json['fio version']).toBe('fio-3.33');
    expect(notes).toEqual([
      'note: both iodepth >= 1 and synchronous I/O engine are selected, queue depth will be capped at 1',
    ]);
  });
  it('throws ERR_FIO when there is no JSON or it is cut short', () => {
    expect(() => parseFioOutput('fio: failed to open file')).toThrow(expect.objectContaining({ code: 'ERR_FIO' }));
    expect(() => parseFioOutput('{\n "jobs": [')).toThrow(expect.objectContaining({ code: 'ERR_FIO' }));
  });
});
