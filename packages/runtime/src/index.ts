export { Bundle, type BundleCreateOptions } from './bundle.js';
export { Container, type ContainerRunOptions, type ContainerStdio, type ExitResult } from './container.js';
export {
  DEFAULT_PATH,
  defaultCapabilities,
  defaultMaskedPaths,
  defaultMounts,
  defaultReadonlyPaths,
  defaultRlimits,
  OCI_VERSION,
} from './defaults.js';
export {
  type ErrorKind,
  InvalidSpecError,
  isCtrkitError,
  RUNTIME_ERROR_CODES,
  RuncError,
  RuntimeError,
  type RuntimeErrorCode,
} from './errors.js';
export type { ImageConfig, ImageRuntimeConfig } from './image-config.js';
export { oomKillCount } from './oom.js';
export { type ReconciledContainer, type ReconcileOptions, reconcile } from './reconcile.js';
export {
  type CreateOptions,
  type EventsOptions,
  type ExecOptions,
  parseVersion,
  Runc,
  type RuncOptions,
  type RunOptions,
  type RuntimeStdio,
} from './runc.js';
export {
  checkId,
  createArgs,
  deleteArgs,
  eventsArgs,
  execArgs,
  globalArgs,
  killArgs,
  runArgs,
} from './runc-args.js';
export { classifyRuncMessage, lastRuncError, parseRuncLog, type RuncLogEntry, stderrMessage } from './runc-log.js';
export { RuncProcess, type RuntimeExit } from './runc-process.js';
export type {
  ContainerState,
  ContainerStatus,
  RuncEvent,
  RuncStats,
  RuntimeFeatures,
  RuntimeVersion,
} from './runc-types.js';
export { decodeExitStatus, signalName, signalNumber } from './signals.js';
export { type NamespaceChoice, type SpecOptions, specFromImage } from './spec-from-image.js';
export type {
  Box,
  Capabilities,
  Hook,
  Hooks,
  IdMapping,
  Linux,
  Mount,
  Namespace,
  NamespaceType,
  Process,
  Resources,
  Rlimit,
  Root,
  Spec,
  User,
} from './spec-types.js';
export {
  type GroupEntry,
  type PasswdEntry,
  parseGroup,
  parsePasswd,
  type ResolvedUser,
  resolveUser,
  resolveUserFrom,
} from './user.js';
export { validateSpec } from './validate.js';
