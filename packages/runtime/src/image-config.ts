// The parts of an OCI image configuration (image-spec config.md) a runtime spec is made
// from. Accepts what @ctrkit/oci-image parses, or a plain object with the same fields.

export interface ImageRuntimeConfig {
  readonly User?: string;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly WorkingDir?: string;
  /** Docker's legacy config field; OCI configs leave it out. */
  readonly Hostname?: string;
  readonly Labels?: Readonly<Record<string, string>>;
  readonly StopSignal?: string;
  readonly ExposedPorts?: Readonly<Record<string, object>>;
  readonly Volumes?: Readonly<Record<string, object>>;
}

export interface ImageConfig {
  readonly architecture?: string;
  readonly os?: string;
  readonly config?: ImageRuntimeConfig;
}
