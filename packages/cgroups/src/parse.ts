// Parsers for every cgroupfs file format this package reads. They take the file's text
// (never a path), so they are tested without a kernel.
import type { IoDeviceStats, Pressure, PressureLine } from './types.js';

// v1 memory limits read back 9223372036854771712 (PAGE_COUNTER_MAX × 4096) when
// unlimited; as a double that is 2^63 - 4096 rounded, so compare against 2^62.
const V1_UNLIMITED = 2 ** 62;

/** A single-value file: a number, or `max` / the v1 unlimited sentinel → Infinity. */
export function parseLimit(text: string): number {
  const t = text.trim();
  if (t === 'max') return Number.POSITIVE_INFINITY;
  const n = Number(t);
  if (!Number.isFinite(n)) throw new SyntaxError(`not a cgroup value: ${JSON.stringify(t)}`);
  return n >= V1_UNLIMITED ? Number.POSITIVE_INFINITY : n;
}

/** "Flat keyed" files (`key value` per line): memory.stat, cpu.stat, cgroup.events, oom_control. */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const value = line.slice(sp + 1).trim();
    out[line.slice(0, sp)] = value === 'max' ? Number.POSITIVE_INFINITY : Number(value);
  }
  return out;
}

/** "Nested keyed" files (`KEY sub=value sub=value` per line): io.stat, io.max, memory.numa_stat. */
export function parseNestedKeyed(text: string): { key: string; fields: Record<string, number> }[] {
  const out: { key: string; fields: Record<string, number> }[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    const key = parts[0];
    if (!key) continue;
    const fields: Record<string, number> = {};
    for (const p of parts.slice(1)) {
      const eq = p.indexOf('=');
      if (eq <= 0) continue;
      const v = p.slice(eq + 1);
      fields[p.slice(0, eq)] = v === 'max' ? Number.POSITIVE_INFINITY : Number(v);
    }
    out.push({ key, fields });
  }
  return out;
}

function device(key: string): { major: number; minor: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(key);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** v2 `io.stat` → per-device bytes and ios. */
export function parseIoStat(text: string): IoDeviceStats[] {
  const out: IoDeviceStats[] = [];
  for (const { key, fields } of parseNestedKeyed(text)) {
    const dev = device(key);
    if (!dev) continue;
    out.push({
      ...dev,
      readBytes: fields.rbytes ?? 0,
      writeBytes: fields.wbytes ?? 0,
      readIos: fields.rios ?? 0,
      writeIos: fields.wios ?? 0,
    });
  }
  return out;
}

/**
 * v1 blkio `io_service_bytes` + `io_serviced` (`MAJ:MIN Read N` lines, then `Total N`) →
 * the same per-device shape as v2.
 */
export function parseBlkio(bytesText: string, iosText: string): IoDeviceStats[] {
  const devs = new Map<string, { major: number; minor: number; rb: number; wb: number; ri: number; wi: number }>();
  const take = (text: string, read: 'rb' | 'ri', write: 'wb' | 'wi') => {
    for (const line of text.split('\n')) {
      const [key = '', op, value] = line.trim().split(/\s+/);
      const dev = device(key);
      if (!dev || value === undefined) continue;
      let d = devs.get(key);
      if (!d) {
        d = { ...dev, rb: 0, wb: 0, ri: 0, wi: 0 };
        devs.set(key, d);
      }
      if (op === 'Read') d[read] = Number(value);
      else if (op === 'Write') d[write] = Number(value);
    }
  };
  take(bytesText, 'rb', 'wb');
  take(iosText, 'ri', 'wi');
  return [...devs.values()].map((d) => ({
    major: d.major,
    minor: d.minor,
    readBytes: d.rb,
    writeBytes: d.wb,
    readIos: d.ri,
    writeIos: d.wi,
  }));
}

function pressureLine(fields: Record<string, number>): PressureLine {
  return { avg10: fields.avg10 ?? 0, avg60: fields.avg60 ?? 0, avg300: fields.avg300 ?? 0, total: fields.total ?? 0 };
}

/** A PSI file (`some avg10=… avg60=… avg300=… total=…` and usually a `full …` line). */
export function parsePressure(text: string): Pressure {
  let some: PressureLine | undefined;
  let full: PressureLine | undefined;
  for (const { key, fields } of parseNestedKeyed(text)) {
    if (key === 'some') some = pressureLine(fields);
    else if (key === 'full') full = pressureLine(fields);
  }
  if (!some) throw new SyntaxError(`not a PSI file (no "some" line): ${JSON.stringify(text.slice(0, 80))}`);
  return full ? { some, full } : { some };
}

/** One line of `/proc/PID/cgroup`. `controllers` is empty for the v2 line (`0::/path`). */
export interface ProcCgroupEntry {
  readonly id: number;
  readonly controllers: readonly string[];
  readonly path: string;
}

/** `/proc/PID/cgroup`: `ID:ctrl[,ctrl]:/path`, `ID:name=systemd:/path`, `0::/path`. */
export function parseProcCgroup(text: string): ProcCgroupEntry[] {
  const out: ProcCgroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const ctrls = line.slice(a + 1, b);
    out.push({ id: Number(line.slice(0, a)), controllers: ctrls ? ctrls.split(',') : [], path: line.slice(b + 1) });
  }
  return out;
}

/** `cgroup.procs` / `tasks` / `cgroup.threads`: one decimal id per line. */
export function parseIdList(text: string): number[] {
  const out: number[] = [];
  for (const line of text.split('\n')) {
    if (line) out.push(Number(line));
  }
  return out;
}

/** A space-separated list file such as `cgroup.controllers` or `cgroup.subtree_control`. */
export function parseWordList(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}
