// The CNI 1.0 shapes this plugin reads and writes (containernetworking/cni SPEC.md).

export const CNI_VERSION = '1.0.0';
export const SUPPORTED_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0'] as const;

export interface CniInterface {
  readonly name: string;
  readonly mac?: string;
  readonly sandbox?: string;
}

export interface CniIp {
  readonly address: string;
  readonly gateway?: string;
  readonly interface?: number;
}

export interface CniRoute {
  readonly dst: string;
  readonly gw?: string;
}

export interface CniResult {
  readonly cniVersion: string;
  readonly interfaces: CniInterface[];
  readonly ips: CniIp[];
  readonly routes: CniRoute[];
  readonly dns: Record<string, unknown>;
}

export interface CniNetConf {
  readonly cniVersion: string;
  readonly name: string;
  readonly type: string;
  readonly mtu?: number;
  /** Tx and rx queues per veth end, as Calico's key. @default 1 */
  readonly num_queues?: number;
  readonly ipam: {
    readonly subnet?: string;
    readonly rangeStart?: string;
    readonly rangeEnd?: string;
    readonly ranges?: readonly (readonly { subnet: string; rangeStart?: string; rangeEnd?: string }[])[];
    /** @default /var/lib/cni/networks */
    readonly dataDir?: string;
  };
  readonly prevResult?: CniResult;
}

/** Well-known CNI error codes (SPEC.md "Error"). */
export const CNI_ERR = {
  INCOMPATIBLE_VERSION: 1,
  UNSUPPORTED_FIELD: 2,
  UNKNOWN_CONTAINER: 3,
  INVALID_ENV: 4,
  IO: 5,
  DECODE: 6,
  INVALID_CONFIG: 7,
  TRY_AGAIN: 11,
  /** Plugin-specific: the wiring CHECK found differs from prevResult. */
  CHECK_FAILED: 100,
  /** Plugin-specific: the kernel refused a wiring step. */
  WIRING_FAILED: 101,
} as const;

export interface CniErrorJson {
  readonly cniVersion: string;
  readonly code: number;
  readonly msg: string;
  readonly details?: string;
}
