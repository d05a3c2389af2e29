// The heart of `ctr-lite run`: image → snapshot → mounted rootfs → (pod network) →
// bundle → runc, and back. Every step registers its undo, so an error, an exit or a
// Ctrl-C unwinds exactly what was set up, in reverse order.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Bundle, Container, type ExitResult, type Resources, specFromImage } from '@ctrkit/runtime';
import { mountAll, unmountAll, unpackImage } from '@ctrkit/snapshotter';
import type { Context } from './context.js';
import { resolveImage } from './image-resolve.js';
import { setupPodNetwork, teardownPodNetwork } from './network.js';
import { progress } from './progress.js';
import { type ContainerRecord, containerDir, createRecord, removeRecord, saveRecord } from './records.js';

export interface RunOptions {
  readonly id: string;
  readonly image: string;
  readonly cmd?: readonly string[];
  readonly rm?: boolean;
  readonly memory?: number;
  readonly cpus?: number;
  readonly pids?: number;
  readonly net?: 'none' | 'host' | 'pod';
  readonly ip?: string;
  readonly hostNetns?: string;
  readonly env?: readonly string[];
  readonly workdir?: string;
  readonly user?: string;
  readonly platform?: string;
  /** Pass the caller's stdin to the container. */
  readonly interactive?: boolean;
  /** A terminal (pty) for the container, connected to the caller's stdin and stdout. */
  readonly tty?: boolean;
  /** Sees every chunk the container writes (after it is shown and logged). */
  readonly onOutput?: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
}

export interface RunningContainer {
  readonly record: ContainerRecord;
  readonly container: Container;
  /** Resolves after the container exited and everything it used is cleaned up. */
  readonly done: Promise<ExitResult>;
  /** Stops the container (SIGTERM, then SIGKILL after timeoutMs). */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * The capabilities containerd gives a container by default (runc's `runc spec` has only
 * three): what images expect, e.g. NET_RAW for ping, CHOWN and SETUID for package managers.
 */
export const CONTAINERD_CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

type Undo = () => Promise<unknown>;

async function unwind(undos: Undo[]): Promise<void> {
  let first: unknown;
  for (const undo of undos.reverse()) {
    try {
      await undo();
    } catch (err) {
      first ??= err;
    }
  }
  if (first) throw first;
}

export async function runContainer(ctx: Context, o: RunOptions): Promise<RunningContainer> {
  const undos: Undo[] = [];
  try {
    const img = await resolveImage(ctx, o.image, o.platform);
    const snapshotter = await ctx.snapshotter();
    const bar = progress('unpack', 'items', !ctx.json && process.stderr.isTTY);
    const unpacked = await unpackImage(img.image.target, {
      contentStore: ctx.content,
      snapshotter,
      ...(o.platform ? { platform: o.platform } : {}),
      onProgress: (p) => bar.update(p.phase, p.done, p.total),
    }).finally(() => bar.stop());

    const dir = containerDir(ctx.paths, o.id);
    const record: ContainerRecord = {
      id: o.id,
      image: img.image.name,
      chainId: unpacked.chainId,
      snapshotKey: `ctr-lite/${o.id}`,
      rootfs: join(dir, 'rootfs'),
      bundle: join(dir, 'bundle'),
      cgroupsPath: `/ctrkit/${o.id}`,
      log: join(dir, 'log'),
      args: o.cmd ?? [],
      network: o.net ?? 'none',
      createdAt: new Date().toISOString(),
      status: 'created',
      supervisor: process.pid,
    };
    await createRecord(ctx.paths, record);
    undos.push(() => removeRecord(ctx.paths, o.id));

    const mounts = await snapshotter.prepare(record.snapshotKey, unpacked.chainId, {
      labels: { 'ctrkit.container': o.id },
    });
    undos.push(() => snapshotter.remove(record.snapshotKey));
    await mkdir(record.rootfs, { recursive: true });
    await mountAll(mounts, record.rootfs);
    undos.push(() => unmountAll(record.rootfs));

    let netnsPath: string | boolean = true;
    if (o.net === 'host') netnsPath = false;
    if (o.net === 'pod') {
      const pod = await setupPodNetwork(ctx.paths, o.id, {
        ...(o.ip ? { ip: o.ip } : {}),
        ...(o.hostNetns ? { hostNetns: o.hostNetns } : {}),
      });
      Object.assign(record, pod);
      undos.push(() => teardownPodNetwork(ctx.paths, o.id, pod));
      netnsPath = pod.netns;
    }

    const resources: Resources = {
      ...(o.memory ? { memory: { limit: o.memory } } : {}),
      ...(o.cpus ? { cpu: { quota: Math.round(o.cpus * 100_000), period: 100_000 } } : {}),
      ...(o.pids ? { pids: { limit: o.pids } } : {}),
    };
    const spec = await specFromImage(img.config, {
      rootfs: record.rootfs,
      cgroupsPath: record.cgroupsPath,
      ...(o.cmd?.length ? { cmd: o.cmd } : {}),
      ...(o.env?.length ? { env: o.env } : {}),
      ...(o.workdir ? { cwd: o.workdir } : {}),
      ...(o.user ? { user: o.user } : {}),
      hostname: o.id.slice(0, 63),
      ...(o.tty ? { terminal: true } : {}),
      namespaces: { network: netnsPath },
      capabilities: CONTAINERD_CAPABILITIES,
      // Unprivileged ICMP sockets inside the container's own network namespace, as containerd's CRI sets.
      ...(o.net === 'host' ? {} : { sysctl: { 'net.ipv4.ping_group_range': '0 2147483647' } }),
      resources,
    });
    const bundle = await Bundle.create(record.bundle, spec);
    undos.push(() => bundle.delete());

    const container = await Container.run({
      id: o.id,
      bundle,
      runtime: ctx.runc(),
      stdio: o.tty ? { terminal: true } : 'pipe',
    });
    record.status = 'running';
    record.pid = container.pid;
    await saveRecord(ctx.paths, record);

    const log = createWriteStream(record.log, { flags: 'a' });
    const detachTty = o.tty ? attachTerminal(container) : () => {};
    const streams = attachStdio(container, log, o.interactive === true || o.tty === true, o.onOutput);
    const done = (async () => {
      let result: ExitResult | undefined;
      try {
        result = await container.wait();
        await streams;
        return result;
      } finally {
        log.end();
        detachTty();
        releaseStdin(container);
        // Without --rm the record and the snapshot stay (for `commit`, `logs`, `rm`):
        // they are the first two undos.
        await unwind(o.rm ? undos : undos.slice(2));
        if (!o.rm && result) {
          await saveRecord(ctx.paths, {
            ...record,
            status: 'exited',
            pid: undefined,
            exitCode: result.exitCode,
            signal: result.signal,
            oomKilled: result.oomKilled,
          });
        }
      }
    })();
    return {
      record,
      container,
      done,
      async stop(timeoutMs = 5000) {
        await container.stop({ timeoutMs }).catch(() => {});
      },
    };
  } catch (err) {
    await unwind(undos).catch(() => {});
    throw err;
  }
}

function attachStdio(
  c: Container,
  log: WriteStream,
  interactive: boolean,
  onOutput: RunOptions['onOutput'],
): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const [src, dst, name] of [
    [c.stdout, process.stdout, 'stdout'],
    [c.stderr, process.stderr, 'stderr'],
  ] as const) {
    if (!src) continue;
    src.on('data', (chunk: Buffer) => {
      dst.write(chunk);
      log.write(chunk);
      onOutput?.(chunk, name);
    });
    // finished() also settles for a stream that has already ended.
    pending.push(finished(src).catch(() => {}));
  }
  if (c.stdin) {
    if (interactive) process.stdin.pipe(c.stdin);
    else c.stdin.end();
  }
  return Promise.all(pending).then(() => {});
}

/** Raw mode and window size follow the caller's terminal; returns the undo. */
function attachTerminal(c: Container): () => void {
  const out = process.stdout;
  const resize = () => {
    if (out.columns && out.rows) c.resize(out.columns, out.rows);
  };
  if (out.isTTY) {
    resize();
    out.on('resize', resize);
  }
  const raw = process.stdin.isTTY === true;
  if (raw) process.stdin.setRawMode(true);
  return () => {
    out.off('resize', resize);
    if (raw) process.stdin.setRawMode(false);
  };
}

// Once the container is gone, stop reading our stdin so the process can exit.
function releaseStdin(c: Container): void {
  if (c.stdin) process.stdin.unpipe(c.stdin);
  process.stdin.pause();
}

/** Removes what a stopped container left: its snapshot, network leftovers and record. */
export async function removeContainer(ctx: Context, rec: ContainerRecord): Promise<void> {
  const snapshotter = await ctx.snapshotter();
  await unmountAll(rec.rootfs).catch(() => {});
  await snapshotter.remove(rec.snapshotKey).catch((err: { code?: string }) => {
    if (err.code !== 'ERR_NOT_FOUND') throw err;
  });
  if (rec.network === 'pod') await teardownPodNetwork(ctx.paths, rec.id, rec).catch(() => {});
  await rm(rec.bundle, { recursive: true, force: true });
  await removeRecord(ctx.paths, rec.id);
}
