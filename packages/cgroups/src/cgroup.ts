// The Cgroup object: one cgroup path across every hierarchy it lives in. Controllers
// are served by v1 or v2 as the host mounts them (hybrid hosts use both); see mode.ts.

import { join } from 'node:path';
import { inspect } from 'node:util';
import { CgroupError } from './errors.js';
import { applyResources } from './internal/apply.js';
import { attachAll } from './internal/attach.js';
import { createDirs, removeCreated } from './internal/create.js';
import { type EventsOptions, watchEvents } from './internal/events.js';
import { type FreezerState, freezeV1, freezeV2, stateV1, stateV2, thawV1, thawV2 } from './internal/freeze.js';
import { exists, readOptional, readText, writeValue } from './internal/fsio.js';
import { type KillOptions, killAll } from './internal/kill.js';
import { allDirs, checkName, checkPath, type Placement, place, refuseOwn, serve } from './internal/placement.js';
import { pidsOf } from './internal/procs.js';
import { removeTree } from './internal/remove.js';
import { readStats, type StatsSection } from './internal/stats.js';
import { type CgroupMode, detectMode } from './mode.js';
import { parsePressure, parseWordList } from './parse.js';
import type { CgroupEvent, CgroupPressure, CgroupStats, LinuxResources, SetResult, SharesPolicy } from './types.js';

export interface CgroupOptions {
  /** Where the cgroup filesystems are mounted (a fake tree in tests). @default '/sys/fs/cgroup' */
  readonly root?: string;
  /** On a hybrid host: 'legacy' ignores its cgroup2 mount, 'unified' uses only that. @default detected */
  readonly mode?: CgroupMode;
  /** v1 controllers whose hierarchies to use. @default every mounted one */
  readonly controllers?: readonly string[];
  /** cpu.shares → cpu.weight on v2. @default 'quadratic' */
  readonly sharesPolicy?: SharesPolicy;
  /** The only driver so far; the seam for a systemd driver. @default 'cgroupfs' */
  readonly driver?: 'cgroupfs';
}

export interface CreateOptions extends CgroupOptions {
  /** Applied right after creation; on failure the directories just created are removed. */
  readonly resources?: LinuxResources;
}

export interface TimeoutOptions {
  /** @default 10000 for freeze, 5000 for delete and kill */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

function placementFor(path: string, options: CgroupOptions): Placement {
  if (options.driver !== undefined && options.driver !== 'cgroupfs') {
    throw new CgroupError(
      'ERR_UNSUPPORTED',
      'not-implemented',
      `driver ${JSON.stringify(options.driver)} is not available; only 'cgroupfs' is`,
    );
  }
  if (process.platform !== 'linux' && options.root === undefined) {
    throw new CgroupError(
      'ERR_UNSUPPORTED',
      'unavailable',
      `cgroups exist only on Linux (this is ${process.platform})`,
    );
  }
  return place(checkPath(path), detectMode(options.root ?? '/sys/fs/cgroup'), options);
}

export class Cgroup {
  readonly #p: Placement;
  readonly #options: CgroupOptions;

  private constructor(p: Placement, options: CgroupOptions) {
    // v2 serves only the controllers enabled for this very cgroup (its cgroup.controllers
    // reflects the parent's subtree_control), so a hybrid host's hugetlb may be absent.
    const enabled = p.v2 ? readOptional(join(p.v2, 'cgroup.controllers')) : undefined;
    this.#p =
      enabled === undefined
        ? p
        : { ...p, v2Controllers: p.v2Controllers.filter((c) => parseWordList(enabled).includes(c)) };
    this.#options = options;
  }

  /**
   * Creates the cgroup (mkdir -p in every hierarchy; an existing one is joined) and
   * applies `resources`. If anything fails, the directories this call made are removed.
   * @throws ERR_CGROUP_INVALID_PATH, ERR_CGROUP_INVALID_VALUE, ERR_CGROUP_PERMISSION, ERR_UNSUPPORTED
   * @example
   * const cg = await Cgroup.create('/jobs/build-42', {
   *   resources: { memory: { limit: 512 * 2 ** 20 }, cpu: { quota: 50000, period: 100000 }, pids: { limit: 256 } },
   * });
   * await cg.addProcess(pid);
   */
  static async create(path: string, options: CreateOptions = {}): Promise<Cgroup> {
    const p = placementFor(path, options);
    if (p.path === '/')
      throw new CgroupError('ERR_CGROUP_OWN', 'failed-precondition', 'refusing to create the root cgroup');
    const created = createDirs(p);
    const cg = new Cgroup(p, options);
    if (options.resources) {
      try {
        cg.#set(options.resources);
      } catch (err) {
        removeCreated(created);
        throw err;
      }
    }
    return cg;
  }

  /**
   * Opens an existing cgroup (for example a container's, made by runc) in the
   * hierarchies where it exists. @throws ERR_CGROUP_NOT_FOUND when it exists in none.
   * @example
   * const { memory } = await (await Cgroup.load('/kubepods/pod1/ctr1')).stats();
   */
  static async load(path: string, options: CgroupOptions = {}): Promise<Cgroup> {
    const full = placementFor(path, options);
    const present = full.v1Dirs.filter((d) => exists(d));
    const controllers = [...full.v1].filter(([, d]) => present.includes(d)).map(([c]) => c);
    const v2ok = full.v2 !== undefined && exists(full.v2);
    if (present.length === 0 && !v2ok) {
      throw new CgroupError(
        'ERR_CGROUP_NOT_FOUND',
        'not-found',
        `cgroup ${full.path} does not exist under ${full.layout.root}`,
      );
    }
    const { v2, ...rest } = full;
    const v1 = new Map([...full.v1].filter(([c]) => controllers.includes(c)));
    const p: Placement =
      v2ok && v2 ? { ...rest, v1, v1Dirs: present, v2 } : { ...rest, v1, v1Dirs: present, v2Controllers: [] };
    return new Cgroup(p, options);
  }

  /** The cgroup path, e.g. `/ctrkit/job1`. */
  get path(): string {
    return this.#p.path;
  }

  get mode(): CgroupMode {
    return this.#p.mode;
  }

  /** Controllers attached to this cgroup, with the version serving each. */
  get controllers(): Record<string, 1 | 2> {
    const out: Record<string, 1 | 2> = {};
    for (const c of this.#p.v1.keys()) out[c] = 1;
    for (const c of this.#p.v2Controllers) out[c] = 2;
    return out;
  }

  /** Every directory of this cgroup (one per v1 hierarchy, plus the cgroup2 one). */
  get directories(): readonly string[] {
    return allDirs(this.#p);
  }

  /** Creates (or joins) a child cgroup with the same options. */
  async child(name: string, options: { resources?: LinuxResources } = {}): Promise<Cgroup> {
    const childPath = this.#p.path === '/' ? `/${checkName(name)}` : `${this.#p.path}/${checkName(name)}`;
    return Cgroup.create(childPath, { ...this.#options, ...options });
  }

  /** Moves a process (all its threads) into this cgroup in every hierarchy; rolls back on failure. */
  async addProcess(pid: number): Promise<void> {
    await attachAll(this.#p, pid, 'cgroup.procs', 'cgroup.procs');
  }

  /** Moves one thread: v1 `tasks`, v2 `cgroup.threads` (the v2 cgroup must be threaded). */
  async addThread(tid: number): Promise<void> {
    await attachAll(this.#p, tid, 'tasks', 'cgroup.threads');
  }

  /** v2 `cgroup.type`: 'domain', 'domain threaded', 'domain invalid' or 'threaded'. */
  async type(): Promise<string> {
    return readText(join(this.#v2('read cgroup.type of'), 'cgroup.type')).trim();
  }

  /**
   * Turns this v2 cgroup threaded, so its threads can be spread over threaded children
   * (its parent becomes 'domain threaded'). One-way: the kernel refuses 'domain' after.
   */
  async setType(type: 'threaded'): Promise<void> {
    if (type !== 'threaded') {
      throw new CgroupError(
        'ERR_CGROUP_INVALID_VALUE',
        'invalid-argument',
        `cgroup type can only be set to 'threaded', got ${JSON.stringify(type)}`,
      );
    }
    refuseOwn(this.#p, 'change the type of');
    writeValue(join(this.#v2('set cgroup.type of'), 'cgroup.type'), 'threaded');
  }

  #v2(what: string): string {
    if (!this.#p.v2) {
      throw new CgroupError(
        'ERR_UNSUPPORTED',
        'unavailable',
        `cannot ${what} ${this.#p.path}: it has no cgroup v2 directory (mode ${this.#p.mode})`,
      );
    }
    return this.#p.v2;
  }

  /** The pids in this cgroup (the union over its hierarchies), sorted. */
  async processes(options: { recursive?: boolean } = {}): Promise<number[]> {
    return pidsOf(this.#p, options.recursive ?? false);
  }

  /** Applies OCI `linux.resources`; validates all of it before the first write. */
  async set(resources: LinuxResources): Promise<SetResult> {
    return this.#set(resources);
  }

  #set(resources: LinuxResources): SetResult {
    refuseOwn(this.#p, 'change limits of');
    return applyResources(this.#p, resources, this.#options.sharesPolicy ?? 'quadratic');
  }

  /**
   * Reads cpu, memory, pids, io and hugetlb statistics in one shape for v1 and v2;
   * `only` limits the sections (and so the files read), e.g. `{ only: ['memory'] }`.
   */
  async stats(options: { only?: readonly StatsSection[] } = {}): Promise<CgroupStats> {
    return readStats(this.#p, options.only);
  }

  /** PSI (pressure stall information) for cpu, memory and io; null where the kernel has none. */
  async pressure(): Promise<CgroupPressure> {
    const read = (name: string) => {
      if (!this.#p.v2) return null;
      const text = readOptional(join(this.#p.v2, name), true);
      return text ? parsePressure(text) : null;
    };
    return { cpu: read('cpu.pressure'), memory: read('memory.pressure'), io: read('io.pressure') };
  }

  /** 'frozen', 'freezing' or 'thawed' (v1 freezer when mounted, else cgroup.freeze). */
  async freezerState(): Promise<FreezerState> {
    const v1 = this.#p.v1.get('freezer');
    if (v1) return stateV1(v1);
    if (this.#p.v2) return stateV2(this.#p.v2);
    throw this.#noFreezer();
  }

  #noFreezer(): CgroupError {
    return new CgroupError(
      'ERR_UNSUPPORTED',
      'unavailable',
      `${this.#p.path} has neither a v1 freezer nor a cgroup2 directory`,
    );
  }

  /** Freezes every task; thaws again and throws ERR_CGROUP_TIMEOUT if it does not settle. */
  async freeze(options: TimeoutOptions = {}): Promise<void> {
    refuseOwn(this.#p, 'freeze');
    const timeoutMs = options.timeoutMs ?? 10_000;
    const v1 = this.#p.v1.get('freezer');
    if (v1) return freezeV1(v1, timeoutMs, options.signal);
    if (this.#p.v2) return freezeV2(this.#p.v2, timeoutMs, options.signal);
    throw this.#noFreezer();
  }

  async thaw(): Promise<void> {
    const v1 = this.#p.v1.get('freezer');
    if (v1) return thawV1(v1);
    if (this.#p.v2) return thawV2(this.#p.v2);
    throw this.#noFreezer();
  }

  /**
   * Kills every task: v2 `cgroup.kill` where it exists; for tasks only v1 can see,
   * freeze → signal each → thaw (a frozen task gets SIGKILL only once thawed).
   */
  async kill(options: KillOptions = {}): Promise<void> {
    refuseOwn(this.#p, 'kill');
    await killAll(this.#p, options);
  }

  /** Moves every process of this cgroup into `other`; returns how many moved. */
  async moveTo(other: Cgroup): Promise<number> {
    let moved = 0;
    for (const pid of await this.processes()) {
      try {
        await other.addProcess(pid);
        moved += 1;
      } catch (err) {
        if (!(err instanceof CgroupError && err.code === 'ERR_CGROUP_NO_PROCESS')) throw err;
      }
    }
    return moved;
  }

  /**
   * Removes the cgroup and its children from every hierarchy, retrying while tasks
   * exit; ERR_CGROUP_BUSY (naming the pids) after `timeoutMs`. Deleting twice is fine.
   */
  async delete(options: TimeoutOptions = {}): Promise<void> {
    refuseOwn(this.#p, 'delete');
    const timeoutMs = options.timeoutMs ?? 5000;
    for (const dir of allDirs(this.#p)) await removeTree(dir, timeoutMs, options.signal);
  }

  /** Changes as they happen: populated, frozen, oom, oom_kill, max, high (see README). */
  events(options: EventsOptions = {}): AsyncGenerator<CgroupEvent> {
    return watchEvents(this.#p, options);
  }

  [inspect.custom](): string {
    const limits: string[] = [];
    const mem = serve(this.#p, 'memory');
    const file = mem ? (mem.version === 1 ? 'memory.limit_in_bytes' : 'memory.max') : undefined;
    const show = (label: string, dir: string | undefined, name: string | undefined) => {
      if (!dir || !name) return;
      const v = readOptional(join(dir, name))?.trim();
      if (v !== undefined) limits.push(`${label}=${v === '9223372036854771712' ? 'max' : v}`);
    };
    show('memory', mem?.dir, file);
    const pids = serve(this.#p, 'pids');
    show('pids', pids?.dir, 'pids.max');
    const cpu = serve(this.#p, 'cpu');
    show('cpu', cpu?.dir, cpu?.version === 1 ? 'cpu.cfs_quota_us' : 'cpu.max');
    return `Cgroup ${this.#p.path} (${this.#p.mode}; ${Object.keys(this.controllers).join(',')}) { ${limits.join(', ')} }`;
  }
}
