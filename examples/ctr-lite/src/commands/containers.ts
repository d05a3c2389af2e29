// `ctr-lite ps | stop | rm | logs | stats | exec`: containers started by any ctr-lite
// process under the same state root.
import { createReadStream } from 'node:fs';
import { Cgroup } from '@ctrkit/cgroups';
import { removeContainer } from '../container-run.js';
import type { Context } from '../context.js';
import { bytes, CliError, printJson, printList } from '../output.js';
import { alive, type ContainerRecord, listRecords, loadRecord } from '../records.js';

/** A record says running; it is only if its supervising ctr-lite process still lives. */
function status(rec: ContainerRecord): string {
  if (rec.status === 'exited') return `exited (${rec.exitCode}${rec.oomKilled ? ', oom' : ''})`;
  return alive(rec.supervisor) ? rec.status : 'dead';
}

export async function ps(ctx: Context, all: boolean): Promise<void> {
  const rows = (await listRecords(ctx.paths))
    .map((r) => ({ ...r, state: status(r) }))
    .filter((r) => all || r.state === 'running' || r.state === 'created');
  printList(
    ctx.json
      ? rows
      : rows.map((r) => ({ id: r.id, image: r.image, status: r.state, pid: r.pid, ip: r.podIp, created: r.createdAt })),
    ['id', 'image', 'status', 'pid', 'ip', 'created'],
    ctx.json,
  );
}

async function running(ctx: Context, id: string): Promise<ContainerRecord> {
  const rec = await loadRecord(ctx.paths, id);
  if (status(rec) !== 'running')
    throw new CliError('ERR_NOT_RUNNING', `container ${id} is not running (${status(rec)})`);
  return rec;
}

/** SIGTERM, then SIGKILL after `timeoutMs`; the supervising process cleans up. */
export async function stop(ctx: Context, id: string, timeoutMs: number): Promise<void> {
  const rec = await running(ctx, id);
  const runc = ctx.runc();
  await runc.kill(id, 'SIGTERM').catch(() => {});
  if (await exited(ctx, rec, timeoutMs)) return;
  await runc.kill(id, 'SIGKILL', { all: true }).catch(() => {});
  if (!(await exited(ctx, rec, 10_000))) {
    throw new CliError('ERR_STOP_TIMEOUT', `container ${id} did not exit after SIGKILL`, 'see `ctr-lite ps -a`');
  }
}

async function exited(ctx: Context, rec: ContainerRecord, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const now = await loadRecord(ctx.paths, rec.id).catch(() => null);
    if (!now || now.status === 'exited' || !alive(now.supervisor)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export async function remove(ctx: Context, ids: readonly string[], force: boolean): Promise<void> {
  for (const id of ids) {
    const rec = await loadRecord(ctx.paths, id);
    if (status(rec) === 'running') {
      if (!force)
        throw new CliError(
          'ERR_RUNNING',
          `container ${id} is running`,
          `stop it first, or use \`ctr-lite rm -f ${id}\``,
        );
      await stop(ctx, id, 3000);
    }
    // A supervisor that died (killed -9) leaves runc state and cgroups: remove them too.
    if (status(rec) === 'dead')
      await ctx
        .runc()
        .delete(id, { force: true })
        .catch(() => {});
    await removeContainer(ctx, await loadRecord(ctx.paths, id).catch(() => rec));
    if (!ctx.json) console.log(id);
  }
}

export async function logs(ctx: Context, id: string): Promise<void> {
  const rec = await loadRecord(ctx.paths, id);
  await new Promise<void>((resolve, reject) => {
    const s = createReadStream(rec.log);
    s.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? resolve() : reject(err)));
    s.on('end', resolve);
    s.pipe(process.stdout, { end: false });
  });
}

export async function stats(ctx: Context, id: string): Promise<void> {
  const rec = await running(ctx, id);
  const cg = await Cgroup.load(rec.cgroupsPath);
  const s = await cg.stats();
  if (ctx.json) return printJson({ id, cgroup: rec.cgroupsPath, ...s });
  const mem = s.memory;
  printList(
    [
      {
        id,
        cpu: s.cpu ? `${(s.cpu.usageNs / 1e9).toFixed(3)}s` : undefined,
        memory: mem ? bytes(mem.usage) : undefined,
        limit: mem && mem.limit < 2 ** 60 ? bytes(mem.limit) : 'max',
        pids: s.pids?.current,
      },
    ],
    ['id', 'cpu', 'memory', 'limit', 'pids'],
    false,
  );
}

/** `exec ID cmd…`: runs a process in the running container; returns its exit code. */
export async function exec(ctx: Context, id: string, args: readonly string[], env: readonly string[]): Promise<number> {
  await running(ctx, id);
  const runc = ctx.runc();
  const proc = await runc.exec(
    id,
    {
      args: [...args],
      cwd: '/',
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...env],
      user: { uid: 0, gid: 0 },
    },
    { stdio: ['pipe', 'inherit', 'inherit'] },
  );
  proc.stdin?.end();
  const exit = await proc.exited;
  return exit.status ?? 128 + 9;
}
