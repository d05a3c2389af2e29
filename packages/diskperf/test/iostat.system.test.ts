// sampleDiskstats / iostatFromSamples against sysstat's iostat on this machine.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, requires } from '@ctrkit/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type DiskstatsEntry,
  iostatFromSamples,
  parseDiskstats,
  prepareProbeFile,
  readDeviceInfo,
  readDiskstats,
  runFio,
  sampleDiskstats,
} from '../src/index.js';

const gate = requires('root', 'binary:iostat', 'binary:unshare', 'binary:fio');

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

const iostatDisk = (json: string): Record<string, number> => JSON.parse(json).sysstat.hosts[0].statistics[0].disk[0];

const line = (e: DiskstatsEntry) =>
  [
    e.readIos,
    e.readMerges,
    e.readSectors,
    e.readTicks,
    e.writeIos,
    e.writeMerges,
    e.writeSectors,
    e.writeTicks,
    e.inFlight,
    e.ioTicks,
    e.timeInQueue,
    e.discardIos,
    e.discardMerges,
    e.discardSectors,
    e.discardTicks,
    e.flushIos,
    e.flushTicks,
  ].join(' ');

const compare = (
  ours: ReturnType<typeof iostatFromSamples>,
  theirs: Record<string, number>,
  tolerance: (k: string, v: number) => number,
) => {
  const map: Record<string, number> = {
    'r/s': ours['r/s'],
    'w/s': ours['w/s'],
    'd/s': ours['d/s'],
    'f/s': ours['f/s'],
    'rkB/s': ours['rkB/s'],
    'wkB/s': ours['wkB/s'],
    'rrqm/s': ours['rrqm/s'],
    'wrqm/s': ours['wrqm/s'],
    r_await: ours.r_await,
    w_await: ours.w_await,
    'rareq-sz': ours['rareq-sz'],
    'aqu-sz': ours['aqu-sz'],
    util: ours['%util'],
  };
  for (const [k, v] of Object.entries(map)) {
    const want = theirs[k] as number;
    expect(Math.abs(v - want), `${k}: ours ${v}, iostat ${want}`).toBeLessThanOrEqual(tolerance(k, want));
  }
};

describe.runIf(gate.ok)('iostat equivalence', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = '';
  });

  it.each([
    ['plain counters', 400_000, 900_000],
    ['io_ticks and time_in_queue about to wrap at 2³²', 2 ** 32 - 300, 2 ** 32 - 1000],
  ])(
    'over one interval of chosen counters (%s), equals iostat -dx -y 2 1 to its two decimals',
    async (_what, ioTicks, timeInQueue) => {
      dir = await makeTempDir('diskperf-iostat');
      const real = (await readDiskstats()).find((e) => existsSync(`/sys/block/${e.name}/stat`)) ?? expect.unreachable();
      const a: { -readonly [K in keyof DiskstatsEntry]: DiskstatsEntry[K] } = {
        ...real,
        readIos: 1_000_000,
        readMerges: 5000,
        readSectors: 8_000_000,
        readTicks: 300_000,
        writeIos: 200_000,
        writeMerges: 90_000,
        writeSectors: 3_000_000,
        writeTicks: 150_000,
        inFlight: 0,
        ioTicks: 400_000,
        timeInQueue: 900_000,
        discardIos: 10,
        discardMerges: 0,
        discardSectors: 80,
        discardTicks: 3,
        flushIos: 100,
        flushTicks: 20,
        fields: 17,
      };
      Object.assign(a, { ioTicks, timeInQueue });
      const b: DiskstatsEntry = {
        ...a,
        readIos: a.readIos + 12_345,
        readMerges: a.readMerges + 77,
        readSectors: a.readSectors + 12_345 * 8,
        readTicks: a.readTicks + 4321,
        writeIos: a.writeIos + 456,
        writeMerges: a.writeMerges + 123,
        writeSectors: a.writeSectors + 9876,
        writeTicks: a.writeTicks + 789,
        ioTicks: (a.ioTicks + 873) % 2 ** 32,
        timeInQueue: (a.timeInQueue + 5432) % 2 ** 32,
        flushIos: a.flushIos + 5,
        flushTicks: a.flushTicks + 2,
      };
      const files = { stat: join(dir, 'stat'), diskstats: join(dir, 'diskstats'), uptime: join(dir, 'uptime') };
      await writeFile(files.stat, `${line(a)}\n`);
      await writeFile(files.diskstats, `${real.major} ${real.minor} ${real.name} ${line(a)}\n`);
      await writeFile(files.uptime, '5000.00 9000.00\n');
      const script = `mount --make-rprivate / && mount --bind ${files.diskstats} /proc/diskstats && mount --bind ${files.stat} /sys/block/${real.name}/stat && mount --bind ${files.uptime} /proc/uptime && exec iostat -dx -y -o JSON ${real.name} 2 1`;
      const out = run('unshare', ['-m', 'sh', '-c', script]);
      await new Promise((r) => setTimeout(r, 1000)); // iostat has taken its first sample; it takes the second at 2 s
      await writeFile(files.stat, `${line(b)}\n`);
      await writeFile(files.diskstats, `${real.major} ${real.minor} ${real.name} ${line(b)}\n`);
      await writeFile(files.uptime, '5002.00 9004.00\n');
      const theirs = iostatDisk(await out);
      const ours = iostatFromSamples(
        parseDiskstats(`${real.major} ${real.minor} ${real.name} ${line(a)}`)[0] as DiskstatsEntry,
        b,
        2000,
      );
      compare(ours, theirs, () => 0.005 + 1e-9);
    },
  );

  it('live: sampleDiskstats and iostat watching the same second under fio load agree within 5%', async () => {
    dir = await makeTempDir('diskperf-iostat');
    const file = join(dir, 'load.dat');
    await prepareProbeFile(file, 64 * 1024 * 1024);
    const dev =
      (await readDiskstats()).find((e) => existsSync(`/sys/block/${e.name}/stat`) && e.readIos > 0) ??
      expect.unreachable();
    const load = runFio({ filename: file, size: 64 * 1024 * 1024, iodepth: 4, runtimeMs: 4000 });
    await new Promise((r) => setTimeout(r, 1000));
    const [theirsJson, ours] = await Promise.all([
      run('iostat', ['-dx', '-y', '-o', 'JSON', dev.name, '2', '1']),
      sampleDiskstats(dev.name, 2000),
    ]);
    await load;
    const theirs = iostatDisk(theirsJson);
    expect(ours['r/s']).toBeGreaterThan(100);
    // Two processes cannot start their intervals at the same instant: allow 5% (or 0.05 absolute for small figures).
    compare(ours, theirs, (k, v) => (k === 'util' ? Math.max(5, 0.05 * v) : Math.max(0.05, 0.05 * Math.abs(v))));
    // Little's law per sample: aqu-sz ≈ (r/s + w/s + d/s) × await / 1000
    expect(Math.abs(ours['aqu-sz'] - (ours.tps * ours.await) / 1000)).toBeLessThan(
      0.25 * Math.max(ours['aqu-sz'], 0.05),
    );
  });

  it('reads the device’s queue facts from sysfs (recorded, never used to call it an HDD)', async () => {
    const dev =
      (await readDiskstats()).find((e) => existsSync(`/sys/block/${e.name}/stat`) && e.readIos > 0) ??
      expect.unreachable();
    const info = readDeviceInfo(dev.name);
    expect(info.majorMinor).toBe(`${dev.major}:${dev.minor}`);
    expect(info.sizeBytes).toBeGreaterThan(0);
    expect([512, 1024, 2048, 4096]).toContain(info.logicalBlockSize);
    expect(typeof info.rotational).toBe('boolean');
    expect(info.nrRequests).toBeGreaterThan(0);
  });

  it('since boot (interval 0) equals iostat’s first report', async () => {
    const dev =
      (await readDiskstats()).find((e) => existsSync(`/sys/block/${e.name}/stat`) && e.readIos > 0) ??
      expect.unreachable();
    const [theirsJson, ours] = await Promise.all([
      run('iostat', ['-dx', '-o', 'JSON', dev.name]),
      sampleDiskstats(dev.name, 0),
    ]);
    compare(ours, iostatDisk(theirsJson), (_k, v) => Math.max(0.02, 0.002 * Math.abs(v)));
  });
});
