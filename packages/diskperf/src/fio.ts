// Drives fio, the reference measurement tool, and returns its JSON as typed figures.
// fio prints notes (e.g. "queue depth will be capped at 1") on stdout before the JSON,
// so parsing starts at the first line that begins with "{".
import { execFile } from 'node:child_process';
import { DiskperfError } from './errors.js';

export interface FioOptions {
  /** File to test; fio lays it out to `size` first if it is shorter. */
  readonly filename: string;
  /** Bytes of the file the test spans. */
  readonly size: number;
  /** @default 'randread' */
  readonly rw?: 'randread' | 'read' | 'randwrite' | 'write';
  /** Block size in bytes. @default 4096 */
  readonly blockSize?: number;
  /** @default 1 */
  readonly iodepth?: number;
  /** @default 'libaio' */
  readonly ioengine?: 'libaio' | 'psync' | 'io_uring' | 'sync';
  /** @default 1 */
  readonly numjobs?: number;
  /** Run the jobs as threads of one process (fio --thread), as probe() does above depth 1. @default false */
  readonly thread?: boolean;
  /** @default 5000 */
  readonly runtimeMs?: number;
  /** @default true */
  readonly direct?: boolean;
  /** @default 'fio' */
  readonly fioPath?: string;
  readonly signal?: AbortSignal;
}

export interface FioResult {
  readonly iops: number;
  readonly bandwidth: number;
  readonly totalIos: number;
  /** Completion latency in ms: mean and fio's percentiles (keys like '99.000000'). */
  readonly clatMean: number;
  readonly percentiles: Readonly<Record<string, number>>;
  /** Total latency mean (submission + completion), ms. */
  readonly latMean: number;
  readonly runtimeMs: number;
  /** Notes fio printed before its JSON. */
  readonly notes: readonly string[];
  readonly raw: unknown;
}

/** Extracts fio's JSON from its stdout, keeping the notes printed before it. */
export function parseFioOutput(stdout: string): { json: Record<string, unknown>; notes: string[] } {
  const m = /^\{/m.exec(stdout);
  if (!m) throw new DiskperfError('ERR_FIO', `fio printed no JSON object: ${stdout.slice(0, 200)}`);
  const notes = stdout
    .slice(0, m.index)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  try {
    return { json: JSON.parse(stdout.slice(m.index)) as Record<string, unknown>, notes };
  } catch (cause) {
    throw new DiskperfError('ERR_FIO', 'fio output after the first "{" is not valid JSON', { cause });
  }
}

interface FioLat {
  mean?: number;
  percentile?: Record<string, number>;
}

/** Runs one fio job and returns the read (or write) side's figures; sums over jobs with group reporting. */
export async function runFio(o: FioOptions): Promise<FioResult> {
  o.signal?.throwIfAborted();
  const rw = o.rw ?? 'randread';
  const args = [
    '--name=ctrkit-diskperf',
    `--filename=${o.filename}`,
    `--size=${o.size}`,
    `--rw=${rw}`,
    `--bs=${o.blockSize ?? 4096}`,
    `--iodepth=${o.iodepth ?? 1}`,
    `--ioengine=${o.ioengine ?? 'libaio'}`,
    `--numjobs=${o.numjobs ?? 1}`,
    '--group_reporting',
    `--direct=${(o.direct ?? true) ? 1 : 0}`,
    '--time_based',
    `--runtime=${Math.max(1, Math.round(o.runtimeMs ?? 5000))}ms`,
    ...(o.thread ? ['--thread'] : []),
    '--output-format=json',
    '--randrepeat=0',
    '--norandommap',
  ];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      o.fioPath ?? 'fio',
      args,
      { maxBuffer: 64 * 1024 * 1024, ...(o.signal ? { signal: o.signal } : {}) },
      (err, out, errOut) => {
        if (err) {
          if (o.signal?.aborted) reject(o.signal.reason);
          else
            reject(
              new DiskperfError(
                'ERR_FIO',
                `fio failed (${(err as NodeJS.ErrnoException).code ?? 'exit'}): ${String(errOut).trim().slice(0, 500)}`,
                { cause: err },
              ),
            );
        } else resolve(out);
      },
    );
  });
  const { json, notes } = parseFioOutput(stdout);
  const job = (json.jobs as Record<string, unknown>[] | undefined)?.[0];
  const side = job?.[rw.includes('read') ? 'read' : 'write'] as Record<string, unknown> | undefined;
  if (!side) throw new DiskperfError('ERR_FIO', 'fio JSON has no jobs[0].read/write section');
  const clat = (side.clat_ns ?? {}) as FioLat;
  const lat = (side.lat_ns ?? {}) as FioLat;
  const percentiles: Record<string, number> = {};
  for (const [k, v] of Object.entries(clat.percentile ?? {})) percentiles[k] = v / 1e6;
  return {
    iops: Number(side.iops),
    bandwidth: Number(side.bw_bytes),
    totalIos: Number(side.total_ios),
    clatMean: (clat.mean ?? Number.NaN) / 1e6,
    percentiles,
    latMean: (lat.mean ?? Number.NaN) / 1e6,
    runtimeMs: Number(side.runtime),
    notes,
    raw: json,
  };
}
