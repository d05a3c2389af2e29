// The parts of an OCI image configuration (image-spec config.md) a runtime spec is made
// from. Accepts what @ctrkit/oci-image parses, or a plain object with the same fields.

export interface ImageRuntimeConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  /** Docker's legacy config field; OCI configs leave it out. */
  Hostname?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  config?: ImageRuntimeConfig;
}
