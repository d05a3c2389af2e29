// What the runtime binary reports: state JSON (runc state.go / list.go), events and
// stats (runc types/events.go), version and features.

export type ContainerStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

export interface ContainerState {
  readonly ociVersion?: string;
  readonly id: string;
  /** 0 when stopped (runc forces it). */
  readonly pid: number;
  readonly status: ContainerStatus;
  readonly bundle: string;
  readonly rootfs?: string;
  readonly created?: string;
  readonly owner?: string;
  readonly annotations?: Record<string, string>;
}

export interface RuncStats {
  readonly cpu?: {
    usage?: { total?: number; kernel?: number; user?: number; percpu?: number[] };
    throttling?: Record<string, number>;
  };
  readonly memory?: {
    usage?: { limit?: number; usage?: number; max?: number; failcnt?: number };
    swap?: Record<string, number>;
    kernel?: Record<string, number>;
    raw?: Record<string, number>;
    cache?: number;
  };
  readonly pids?: { current?: number; limit?: number };
  readonly blkio?: Record<string, unknown>;
  readonly hugetlb?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface RuncEvent {
  /** "stats", "oom", or "error" (a line the runtime printed that was not valid JSON). */
  readonly type: 'stats' | 'oom' | 'error' | string;
  readonly id: string;
  readonly data?: RuncStats;
  readonly error?: string;
}

export interface RuntimeVersion {
  /** The binary's name as it reports itself ("runc", "crun"). */
  readonly runtime: string;
  readonly version: string;
  readonly commit?: string;
  /** The runtime-spec version it implements. */
  readonly spec?: string;
}

/** `runc features` output (runc >= 1.1); null from runtimes without it (crun 1.8.1). */
export interface RuntimeFeatures {
  readonly ociVersionMin?: string;
  readonly ociVersionMax?: string;
  readonly hooks?: string[];
  readonly mountOptions?: string[];
  readonly linux?: Record<string, unknown>;
  readonly annotations?: Record<string, string>;
  readonly [key: string]: unknown;
}
