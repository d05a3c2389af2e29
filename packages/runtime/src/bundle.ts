// An OCI bundle: a directory holding config.json (and usually the rootfs). create()
// writes config.json atomically (temp file + rename) so runc never reads half a file.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { RuntimeError } from './errors.js';
import type { Spec } from './spec-types.js';
import { validateSpec } from './validate.js';

export interface BundleCreateOptions {
  /** Overwrite an existing config.json. @default false */
  readonly overwrite?: boolean;
}

export class Bundle {
  /** The absolute bundle directory. */
  readonly dir: string;
  readonly spec: Spec;
  /** True when Bundle.create made the directory itself (delete() then removes it). */
  readonly ownsDir: boolean;

  private constructor(dir: string, spec: Spec, ownsDir: boolean) {
    this.dir = dir;
    this.spec = spec;
    this.ownsDir = ownsDir;
  }

  get configPath(): string {
    return join(this.dir, 'config.json');
  }

  /** The rootfs as a host path. */
  get rootfs(): string {
    const p = this.spec.root?.path ?? 'rootfs';
    return isAbsolute(p) ? p : join(this.dir, p);
  }

  /** Validates `spec` and writes `<dir>/config.json`, creating `dir` if needed. */
  static async create(dir: string, spec: Spec, opts: BundleCreateOptions = {}): Promise<Bundle> {
    validateSpec(spec);
    const abs = resolve(dir);
    let ownsDir = false;
    try {
      await mkdir(abs);
      ownsDir = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const config = join(abs, 'config.json');
    if (!opts.overwrite && !ownsDir) {
      const exists = await stat(config).then(
        () => true,
        () => false,
      );
      if (exists) {
        throw new RuntimeError(
          'ERR_BUNDLE_EXISTS',
          'already-exists',
          `bundle ${abs} already has a config.json; pass { overwrite: true } or open it with Bundle.open`,
        );
      }
    }
    const tmp = join(abs, `.config.json.${randomBytes(4).toString('hex')}`);
    try {
      await writeFile(tmp, `${JSON.stringify(spec, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, config);
    } catch (err) {
      await rm(tmp, { force: true });
      if (ownsDir) await rmdir(abs).catch(() => {});
      throw err;
    }
    return new Bundle(abs, structuredClone(spec), ownsDir);
  }

  /** Reads and validates `<dir>/config.json`. */
  static async open(dir: string): Promise<Bundle> {
    const abs = resolve(dir);
    let text: string;
    try {
      text = await readFile(join(abs, 'config.json'), 'utf8');
    } catch (err) {
      throw new RuntimeError(
        'ERR_BUNDLE_NOT_FOUND',
        'not-found',
        `no config.json in bundle ${abs}; create it with Bundle.create`,
        {
          cause: err,
        },
      );
    }
    let spec: Spec;
    try {
      spec = JSON.parse(text) as Spec;
    } catch (err) {
      throw new RuntimeError('ERR_INVALID_SPEC', 'invalid-argument', `${abs}/config.json is not valid JSON`, {
        cause: err,
      });
    }
    return new Bundle(abs, validateSpec(spec), false);
  }

  /**
   * Removes config.json and ctrkit's per-container files; removes the directory itself
   * (with the rootfs in it) only when Bundle.create made it.
   */
  async delete(): Promise<void> {
    if (this.ownsDir) await rm(this.dir, { recursive: true, force: true });
    else await rm(this.configPath, { force: true });
  }

  [inspect.custom](): string {
    const args = this.spec.process?.args.join(' ') ?? '';
    return `Bundle ${this.dir} { rootfs: ${this.spec.root?.path}, args: [${args}], cgroupsPath: ${this.spec.linux?.cgroupsPath} }`;
  }
}
