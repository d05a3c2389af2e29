import { describe, expect, it } from 'vitest';
import {
  parseBlkio,
  parseFlatKeyed,
  parseIdList,
  parseIoStat,
  parseLimit,
  parseNestedKeyed,
  parsePressure,
  parseProcCgroup,
  parseWordList,
} from '../src/index.js';

// Texts captured from kernel 6.18 on the hybrid test host (v1 files, unified PSI files)
// or, for v2-only files, written from the kernel's cgroup-v2.rst format description.
describe('parsers', () => {
  it('parseLimit treats max and the v1 sentinel as unlimited', () => {
    expect(parseLimit('max\n')).toBe(Number.POSITIVE_INFINITY);
    expect(parseLimit('9223372036854771712\n')).toBe(Number.POSITIVE_INFINITY);
    expect(parseLimit(' 67108864 \n')).toBe(67108864);
    expect(parseLimit('-1')).toBe(-1);
    expect(() => parseLimit('abc')).toThrow(SyntaxError);
  });

  it('flat keyed: memory.stat, oom_control, cgroup.events', () => {
    expect(parseFlatKeyed('cache 0\nrss 4096\nhierarchical_memory_limit 9223372036854771712\n')).toEqual({
      cache: 0,
      rss: 4096,
      hierarchical_memory_limit: Number('9223372036854771712'),
    });
    expect(parseFlatKeyed('oom_kill_disable 0\nunder_oom 1\noom_kill 3\n')).toEqual({
      oom_kill_disable: 0,
      under_oom: 1,
      oom_kill: 3,
    });
    expect(parseFlatKeyed('populated 1\nfrozen 0\n')).toEqual({ populated: 1, frozen: 0 });
    expect(parseFlatKeyed('max max\n\n')).toEqual({ max: Number.POSITIVE_INFINITY });
  });

  it('nested keyed: io.max style lines', () => {
    expect(parseNestedKeyed('8:16 rbps=2097152 wbps=max riops=max wiops=120\n')).toEqual([
      {
        key: '8:16',
        fields: { rbps: 2097152, wbps: Number.POSITIVE_INFINITY, riops: Number.POSITIVE_INFINITY, wiops: 120 },
      },
    ]);
  });

  it('io.stat', () => {
    const text =
      '8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n8:0 rbytes=90 wbytes=0 rios=1 wios=0\n';
    expect(parseIoStat(text)).toEqual([
      { major: 8, minor: 16, readBytes: 1459200, writeBytes: 314773504, readIos: 192, writeIos: 353 },
      { major: 8, minor: 0, readBytes: 90, writeBytes: 0, readIos: 1, writeIos: 0 },
    ]);
  });

  it('v1 blkio recursive stats', () => {
    const bytes =
      '254:0 Read 4096\n254:0 Write 12288\n254:0 Sync 16384\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 16384\nTotal 16384\n';
    const ios = '254:0 Read 1\n254:0 Write 3\n254:0 Total 4\nTotal 4\n';
    expect(parseBlkio(bytes, ios)).toEqual([
      { major: 254, minor: 0, readBytes: 4096, writeBytes: 12288, readIos: 1, writeIos: 3 },
    ]);
    expect(parseBlkio('Total 0\n', 'Total 0\n')).toEqual([]);
  });

  it('PSI with and without a full line', () => {
    const both =
      'some avg10=1.50 avg60=0.25 avg300=0.00 total=12345\nfull avg10=0.10 avg60=0.00 avg300=0.00 total=99\n';
    expect(parsePressure(both)).toEqual({
      some: { avg10: 1.5, avg60: 0.25, avg300: 0, total: 12345 },
      full: { avg10: 0.1, avg60: 0, avg300: 0, total: 99 },
    });
    expect(parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n')).toEqual({
      some: { avg10: 0, avg60: 0, avg300: 0, total: 0 },
    });
    expect(() => parsePressure('garbage')).toThrow(SyntaxError);
  });

  it('/proc/PID/cgroup on a hybrid host', () => {
    const text = '9:name=systemd:/\n4:memory:/process_api/9d52\n1:cpu,cpuacct:/a\n0::/\n';
    expect(parseProcCgroup(text)).toEqual([
      { id: 9, controllers: ['name=systemd'], path: '/' },
      { id: 4, controllers: ['memory'], path: '/process_api/9d52' },
      { id: 1, controllers: ['cpu', 'cpuacct'], path: '/a' },
      { id: 0, controllers: [], path: '/' },
    ]);
  });

  it('id and word lists', () => {
    expect(parseIdList('12\n345\n')).toEqual([12, 345]);
    expect(parseIdList('')).toEqual([]);
    expect(parseWordList('cpuset cpu io memory hugetlb pids\n')).toEqual([
      'cpuset',
      'cpu',
      'io',
      'memory',
      'hugetlb',
      'pids',
    ]);
  });
});
