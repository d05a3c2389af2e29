export { readDeviceInfo } from './device-info.js';
export { type DiskstatsEntry, findDevice, parseDiskstats, readDiskstats } from './diskstats.js';
export {
  type DriveInput,
  type DriveSource,
  type DriveSpec,
  defineDrive,
  type PublishedIops,
  type SeekSpec,
} from './drive-spec.js';
export { drive, drives } from './drives.js';
export { DiskperfError, type DiskperfErrorCode, diskperfErrorCodes, isDiskperfError } from './errors.js';
export { type FioOptions, type FioResult, parseFioOutput, runFio } from './fio.js';
export { type DriveFit, type FitInput, fitDrive } from './fit-drive.js';
export { type Geometry, geometryOf, ostepGeometry } from './geometry.js';
export type { BlockDeviceInfo } from './internal/block-device.js';
export { type IostatStats, iostatFromSamples } from './iostat.js';
export { type IostatJsonDisk, toIostatJson } from './iostat-json.js';
export { type PlotData, type PlotKind, plotSvg, type SvgOptions } from './plot-svg.js';
export { plotText, type TextPlotOptions } from './plot-text.js';
export { fioPercentiles, type ProbeOptions, type ProbeResult, probe } from './probe.js';
export { prepareProbeFile } from './probe-file.js';
export { type MG1Input, md1, mg1, mm1, type QueueInput, type QueueResult } from './queueing.js';
export {
  type CurvePoint,
  knee,
  type ResponseCurveOptions,
  responseCurve,
  type ServiceInput,
} from './response-curve.js';
export { revolutionTime, rotationalLatency } from './rotation.js';
export { readUptime, type SampleOptions, sampleDiskstats } from './sample-diskstats.js';
export { type ScvWorkload, type ServiceMoments, scvOf, serviceMoments } from './scv.js';
export {
  type HplParams,
  type LinearParams,
  SeekCurve,
  type SeekCurveParams,
  seekCurve,
  type TableParams,
} from './seek-curve.js';
export {
  iops,
  type ServiceTime,
  type ServiceTimeOptions,
  type SimpleDrive,
  serviceTime,
  throughput,
} from './service-time.js';
export {
  type Arrival,
  type Scheduler,
  type SimResult,
  type SimulateOptions,
  schedulers,
  simulate,
  simulateSync,
  type Workload,
} from './simulate.js';
export { GB, GiB, KiB, kB, MB, MiB, TB, transferMs, type UnitConvention, unitConventions, unitScale } from './units.js';
