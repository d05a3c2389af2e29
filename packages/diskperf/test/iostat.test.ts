import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type DiskstatsEntry,
  findDevice,
  iostatFromSamples,
  parseDiskstats,
  sampleDiskstats,
  toIostatJson,
} from '../src/index.js';
import fx from './fixtures/diskstats.json' with { type: 'json' };

const zeroOf = (e: DiskstatsEntry): DiskstatsEntry => ({
  ...e,
  readIos: 0,
  readMerges: 0,
  readSectors: 0,
  readTicks: 0,
  writeIos: 0,
  writeMerges: 0,
  writeSectors: 0,
  writeTicks: 0,
  ioTicks: 0,
  timeInQueue: 0,
  discardIos: 0,
  discardMerges: 0,
  discardSectors: 0,
  discardTicks: 0,
  flushIos: 0,
  flushTicks: 0,
});

describe('parseDiskstats', () => {
  it('reads the 17-counter line by position', () => {
    expect(parseDiskstats(fx.line17)).toEqual([fx.expected17]);
  });
  it('tolerates the 15- and 11-counter forms of older kernels', () => {
    const [a] = parseDiskstats(fx.line15);
    expect(a).toMatchObject({ fields: 15, discardTicks: 3598, flushIos: 0 });
    const [b] = parseDiskstats(`${fx.line11}\n`);
    expect(b).toMatchObject({ name: 'sda', major: 8, fields: 11, timeInQueue: 306390, discardIos: 0 });
  });
  it('rejects malformed lines with ERR_DISKSTATS_PARSE and the line number', () => {
    expect(() => parseDiskstats(`${fx.line17}\n254 1 vdb 1 2 3`)).toThrow(
      expect.objectContaining({ code: 'ERR_DISKSTATS_PARSE', message: expect.stringContaining('line 2') }),
    );
    expect(() => parseDiskstats(fx.line11.replace('18921', '-4'))).toThrow(/non-negative integer/);
  });
  it('finds a device by name, /dev path or major:minor', () => {
    const all = parseDiskstats(`${fx.line17}\n${fx.line11}`);
    expect(findDevice(all, '/dev/sda').name).toBe('sda');
    expect(findDevice(all, '254:0').name).toBe('vda');
    expect(() => findDevice(all, 'nvme0n1')).toThrow(
      expect.objectContaining({ code: 'ERR_DEVICE_NOT_FOUND', message: expect.stringContaining('vda, sda') }),
    );
  });
});

describe('iostatFromSamples: sysstat formulas', () => {
  it('reproduces iostat -dx since boot on recorded counters (to iostat’s two decimals)', () => {
    const cur = parseDiskstats(fx.iostatSinceBoot.line)[0] as DiskstatsEntry;
    const s = iostatFromSamples(zeroOf(cur), cur, fx.iostatSinceBoot.uptime * 1000);
    const want = fx.iostatSinceBoot.iostat;
    const ours: Record<string, number> = {
      'r/s': s['r/s'],
      'w/s': s['w/s'],
      'd/s': s['d/s'],
      'f/s': s['f/s'],
      'rkB/s': s['rkB/s'],
      'wkB/s': s['wkB/s'],
      'dkB/s': s['dkB/s'],
      'rrqm/s': s['rrqm/s'],
      'wrqm/s': s['wrqm/s'],
      'drqm/s': s['drqm/s'],
      rrqm: s['%rrqm'],
      wrqm: s['%wrqm'],
      drqm: s['%drqm'],
      r_await: s.r_await,
      w_await: s.w_await,
      d_await: s.d_await,
      f_await: s.f_await,
      'rareq-sz': s['rareq-sz'],
      'wareq-sz': s['wareq-sz'],
      'dareq-sz': s['dareq-sz'],
      'aqu-sz': s['aqu-sz'],
      util: s['%util'],
    };
    for (const [k, v] of Object.entries(want)) expect(Number((ours[k] as number).toFixed(2)), k).toBe(v);
  });
  it('toIostatJson prints the disk entry iostat -o JSON printed for the same counters, key for key', () => {
    const cur = parseDiskstats(fx.iostatSinceBoot.line)[0] as DiskstatsEntry;
    const json = toIostatJson(iostatFromSamples(zeroOf(cur), cur, fx.iostatSinceBoot.uptime * 1000));
    expect(JSON.stringify(json)).toBe(JSON.stringify({ disk_device: 'vda', ...fx.iostatSinceBoot.iostat }));
  });
  it('computes each metric from deltas', () => {
    const a = parseDiskstats(fx.line17)[0] as DiskstatsEntry;
    const b: DiskstatsEntry = {
      ...a,
      readIos: a.readIos + 1000,
      readSectors: a.readSectors + 8000,
      readTicks: a.readTicks + 500,
      readMerges: a.readMerges + 1000,
      ioTicks: a.ioTicks + 800,
      timeInQueue: a.timeInQueue + 1600,
    };
    const s = iostatFromSamples(a, b, 1000);
    expect(s['r/s']).toBe(1000);
    expect(s['rkB/s']).toBe(4000);
    expect(s.r_await).toBe(0.5);
    expect(s['rareq-sz']).toBe(4);
    expect(s['%rrqm']).toBe(50);
    expect(s['aqu-sz']).toBe(1.6);
    expect(s['%util']).toBe(80);
    expect(s.w_await).toBe(0); // no writes → 0, not NaN
    // Little's law on the sample: aqu-sz ≈ (r/s + w/s + d/s) × await / 1000 when all time is queueing
    expect((s.tps * s.await) / 1000).toBeCloseTo(0.5, 9);
  });
  it('handles a 32-bit wrap of the tick counters and does not cap %util', () => {
    const a = {
      ...(parseDiskstats(fx.line17)[0] as DiskstatsEntry),
      ioTicks: 2 ** 32 - 100,
      timeInQueue: 2 ** 32 - 10,
    };
    const b = { ...a, ioTicks: 1100, timeInQueue: 90 };
    const s = iostatFromSamples(a, b, 1000);
    expect(s['%util']).toBe(120);
    expect(s.utilCapped).toBe(100);
    expect(s['aqu-sz']).toBe(0.1);
    expect(s.wrapped).toEqual(['ioTicks', 'timeInQueue']);
  });
  it('refuses samples of different devices', () => {
    const a = parseDiskstats(fx.line17)[0] as DiskstatsEntry;
    expect(() => iostatFromSamples(a, { ...a, minor: 1 }, 1000)).toThrow(
      expect.objectContaining({ code: 'ERR_DEVICE_NOT_FOUND' }),
    );
  });
});

describe('sampleDiskstats on a fake /proc', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  it('measures the interval from /proc/uptime and diffs the counters', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctrkit-diskperf-proc-'));
    await writeFile(join(dir, 'uptime'), '100.00 150.00\n');
    await writeFile(join(dir, 'diskstats'), `${fx.line17}\n`);
    const cur = parseDiskstats(fx.line17)[0] as DiskstatsEntry;
    // The second sample is written part-way through a 1.5 s interval, well after the first
    // reads even on a loaded machine, and finished before the interval ends.
    const p = sampleDiskstats('vda', 1500, { procRoot: dir });
    await new Promise((r) => setTimeout(r, 700));
    await writeFile(join(dir, 'diskstats'), `${fx.line17.replace(' 2957028 ', ` ${cur.readIos + 200} `)}\n`);
    await writeFile(join(dir, 'uptime'), '100.50 151.00\n');
    const s = await p;
    expect(s.intervalMs).toBeCloseTo(500, 6);
    expect(s['r/s']).toBeCloseTo(400, 6);
  });
  it('aborts with signal.reason', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctrkit-diskperf-proc-'));
    await writeFile(join(dir, 'uptime'), '1.00 1.00\n');
    await writeFile(join(dir, 'diskstats'), `${fx.line17}\n`);
    const reason = new Error('enough');
    const p = sampleDiskstats('vda', 10_000, { procRoot: dir, signal: AbortSignal.abort(reason) });
    await expect(p).rejects.toBe(reason);
    const ac = new AbortController();
    const q = sampleDiskstats('vda', 10_000, { procRoot: dir, signal: ac.signal });
    setTimeout(() => ac.abort(reason), 20);
    await expect(q).rejects.toBe(reason);
  });
});
