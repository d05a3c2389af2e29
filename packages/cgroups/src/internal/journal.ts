// Records every write of one set() call, in order, so a failure can report exactly
// what already reached the kernel (PartialSetError) and a success can report the plan.
import { join } from 'node:path';
import { type AppliedWrite, CgroupError, PartialSetError } from '../errors.js';
import { exists, readText, writeValue } from './fsio.js';

export class Journal {
  readonly writes: AppliedWrite[] = [];
  readonly warnings: string[] = [];

  write(dir: string, name: string, value: string): void {
    const file = join(dir, name);
    writeValue(file, value);
    this.writes.push({ file, value });
  }

  /** Writes, returning the errno name instead of throwing for the errnos in `tolerate`. */
  tryWrite(dir: string, name: string, value: string, tolerate: readonly string[]): string | undefined {
    try {
      this.write(dir, name, value);
      return undefined;
    } catch (err) {
      if (err instanceof CgroupError && err.errno && tolerate.includes(err.errno)) return err.errno;
      throw err;
    }
  }

  read(dir: string, name: string): string {
    return readText(join(dir, name)).trim();
  }

  has(dir: string, name: string): boolean {
    return exists(join(dir, name));
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Runs the whole apply; a failure after some writes becomes a PartialSetError. */
  run(apply: () => void): { writes: AppliedWrite[]; warnings: string[] } {
    try {
      apply();
    } catch (err) {
      if (this.writes.length === 0) throw err;
      throw new PartialSetError([...this.writes], err);
    }
    return { writes: this.writes, warnings: this.warnings };
  }
}
