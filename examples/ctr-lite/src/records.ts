// Container records: what ctr-lite knows about each container, kept as
// containers/<id>/container.json (written atomically) beside its bundle, rootfs and log.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from './output.js';
import type { StatePaths } from './state.js';

export interface ContainerRecord {
  readonly id: string;
  readonly image: string;
  /** The chainID of the image's top layer: the parent of the container's snapshot. */
  readonly chainId: string;
  readonly snapshotKey: string;
  readonly rootfs: string;
  readonly bundle: string;
  readonly cgroupsPath: string;
  readonly log: string;
  readonly args: readonly string[];
  readonly network: 'none' | 'host' | 'pod';
  readonly netns?: string;
  readonly hostNetns?: string;
  readonly podIp?: string;
  readonly hostIfName?: string;
  readonly createdAt: string;
  /** 'created' while starting, 'running', then 'exited' with the exit code. */
  status: 'created' | 'running' | 'exited';
  pid?: number;
  /** The pid of the ctr-lite process supervising the container. */
  supervisor?: number;
  exitCode?: number;
  signal?: string | null;
  oomKilled?: boolean;
}

const ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

export function checkContainerId(id: string): string {
  if (!ID.test(id)) {
    throw new CliError(
      'ERR_INVALID_ARGUMENT',
      `invalid container name ${JSON.stringify(id)}`,
      'use 1-64 letters, digits, "_", "." or "-"',
    );
  }
  return id;
}

export function containerDir(paths: StatePaths, id: string): string {
  return join(paths.containers, checkContainerId(id));
}

/** Creates the record; fails if a container of that name exists. */
export async function createRecord(paths: StatePaths, rec: ContainerRecord): Promise<void> {
  const dir = containerDir(paths, rec.id);
  try {
    await mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(
        'ERR_ALREADY_EXISTS',
        `a container named ${rec.id} exists`,
        `remove it with \`ctr-lite rm ${rec.id}\` or pick another --name`,
      );
    }
    throw err;
  }
  await saveRecord(paths, rec);
}

export async function saveRecord(paths: StatePaths, rec: ContainerRecord): Promise<void> {
  const file = join(containerDir(paths, rec.id), 'container.json');
  await writeFile(`${file}.tmp`, `${JSON.stringify(rec, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

export async function loadRecord(paths: StatePaths, id: string): Promise<ContainerRecord> {
  try {
    return JSON.parse(await readFile(join(containerDir(paths, id), 'container.json'), 'utf8')) as ContainerRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliError('ERR_CONTAINER_NOT_FOUND', `no container named ${id}`, 'see `ctr-lite ps -a`');
    }
    throw err;
  }
}

export async function listRecords(paths: StatePaths): Promise<ContainerRecord[]> {
  const out: ContainerRecord[] = [];
  for (const id of (await readdir(paths.containers)).sort()) {
    try {
      out.push(await loadRecord(paths, id));
    } catch {
      // A directory without a record is a container being created right now.
    }
  }
  return out;
}

export async function removeRecord(paths: StatePaths, id: string): Promise<void> {
  await rm(containerDir(paths, id), { recursive: true, force: true });
}

/** Whether a process with this pid exists (signal 0 probes without sending). */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
