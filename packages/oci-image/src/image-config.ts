// Strict image config parsing, and the unpack-time check that layers and diff_ids agree.
import { parseDigest } from './digest.js';
import { OciImageError } from './errors.js';
import { type JsonObject, parseJsonDocument, Reader } from './internal/json.js';
import type { ContainerConfig, HistoryEntry, ImageConfig, ImageManifest } from './types.js';

/**
 * Parses and validates an image config. Only `architecture`, `os` and `rootfs` are
 * required; the runtime `config` fields are type-checked when present.
 * @throws OciImageError ERR_INVALID_CONFIG with the JSON path, ERR_DOCUMENT_TOO_LARGE.
 */
export function parseImageConfig(input: Uint8Array | string | object): ImageConfig {
  const r = new Reader('ERR_INVALID_CONFIG', 'image config');
  const o = r.object(parseJsonDocument(input, r), '');
  const rootfs = r.object(o.rootfs, 'rootfs');
  if (rootfs.type !== 'layers') r.fail('rootfs.type', `expected "layers", got ${JSON.stringify(rootfs.type)}`);
  const diffIds = r.array(rootfs.diff_ids, 'rootfs.diff_ids').map((d, i) => {
    try {
      return parseDigest(d, `rootfs.diff_ids[${i}]`);
    } catch (err) {
      return r.fail(`rootfs.diff_ids[${i}]`, (err as Error).message.replace(/^ERR_INVALID_DIGEST: [^:]*: /, ''));
    }
  });
  const out: { -readonly [K in keyof ImageConfig]: ImageConfig[K] } = {
    architecture: r.string(o.architecture, 'architecture'),
    os: r.string(o.os, 'os'),
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
  if (o.created !== undefined) out.created = r.string(o.created, 'created');
  if (o.author !== undefined) out.author = r.string(o.author, 'author');
  if (o['os.version'] !== undefined) out['os.version'] = r.string(o['os.version'], '["os.version"]');
  const osFeatures = r.stringArray(o['os.features'], '["os.features"]');
  if (osFeatures) out['os.features'] = osFeatures;
  if (o.variant !== undefined && o.variant !== '') out.variant = r.string(o.variant, 'variant');
  if (o.config !== undefined && o.config !== null) out.config = readContainerConfig(r, r.object(o.config, 'config'));
  if (o.history !== undefined && o.history !== null) {
    out.history = r
      .array(o.history, 'history')
      .map((h, i) => readHistory(r, r.object(h, `history[${i}]`), `history[${i}]`));
  }
  return out;
}

function readContainerConfig(r: Reader, c: JsonObject): ContainerConfig {
  const out: Record<string, unknown> = {};
  for (const k of ['User', 'WorkingDir', 'StopSignal'] as const) {
    if (c[k] !== undefined && c[k] !== null) out[k] = r.string(c[k], `config.${k}`);
  }
  for (const k of ['Env', 'Entrypoint', 'Cmd'] as const) {
    if (c[k] !== undefined) out[k] = c[k] === null ? null : r.stringArray(c[k], `config.${k}`);
  }
  if (out.Env === null) delete out.Env;
  const labels = r.stringMap(c.Labels, 'config.Labels');
  if (labels) out.Labels = labels;
  for (const k of ['ExposedPorts', 'Volumes'] as const) {
    if (c[k] !== undefined && c[k] !== null) out[k] = r.object(c[k], `config.${k}`);
  }
  if (c.ArgsEscaped !== undefined) {
    if (typeof c.ArgsEscaped !== 'boolean') r.fail('config.ArgsEscaped', 'expected a boolean');
    out.ArgsEscaped = c.ArgsEscaped;
  }
  return out as ContainerConfig;
}

function readHistory(r: Reader, h: JsonObject, path: string): HistoryEntry {
  const out: Record<string, unknown> = {};
  for (const k of ['created', 'created_by', 'author', 'comment'] as const) {
    if (h[k] !== undefined) out[k] = r.string(h[k], `${path}.${k}`);
  }
  if (h.empty_layer !== undefined) {
    if (typeof h.empty_layer !== 'boolean') r.fail(`${path}.empty_layer`, 'expected a boolean');
    out.empty_layer = h.empty_layer;
  }
  return out as HistoryEntry;
}

/** Canonical bytes of an image config (compact JSON, fields in spec order). */
export function serializeImageConfig(c: ImageConfig): Buffer {
  return Buffer.from(
    JSON.stringify({
      created: c.created,
      author: c.author,
      architecture: c.architecture,
      os: c.os,
      'os.version': c['os.version'],
      'os.features': c['os.features'],
      variant: c.variant,
      config: c.config,
      rootfs: c.rootfs,
      history: c.history,
    }),
  );
}

/**
 * The unpack-time check: one diff_id per layer.
 * @throws OciImageError ERR_LAYER_COUNT_MISMATCH
 */
export function checkLayerCount(manifest: ImageManifest, config: ImageConfig): void {
  const n = manifest.layers.length;
  const m = config.rootfs.diff_ids.length;
  if (n !== m) {
    throw new OciImageError(
      'ERR_LAYER_COUNT_MISMATCH',
      `the manifest lists ${n} layers but the config's rootfs.diff_ids has ${m}; the image is inconsistent and cannot be unpacked`,
    );
  }
}
