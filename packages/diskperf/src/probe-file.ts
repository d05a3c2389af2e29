// Lays out a probe file with real blocks (random data, fsynced), as fio does before a
// read test: reads of holes never reach the device. A file it creates and fails to
// finish is removed, so no half-written file is left behind.
import { randomFillSync } from 'node:crypto';
import { open, rm, stat } from 'node:fs/promises';
import { checkInteger, DiskperfError } from './errors.js';

/** Writes `size` bytes to `path` unless it already holds at least that many. Returns the bytes written. */
export async function prepareProbeFile(
  path: string,
  size: number,
  options: { readonly signal?: AbortSignal } = {},
): Promise<number> {
  checkInteger('size', size, 1);
  options.signal?.throwIfAborted();
  const existing = await stat(path).catch(() => null);
  if (existing && !existing.isFile()) {
    throw new DiskperfError('ERR_INVALID_ARG_VALUE', `${path} exists and is not a regular file`);
  }
  if (existing && existing.size >= size) return 0;
  const fh = await open(path, existing ? 'r+' : 'wx');
  const chunk = Buffer.allocUnsafe(1 << 20);
  let written = 0;
  try {
    for (let off = existing?.size ?? 0; off < size; off += chunk.length) {
      options.signal?.throwIfAborted();
      randomFillSync(chunk);
      const n = Math.min(chunk.length, size - off);
      await fh.write(chunk, 0, n, off);
      written += n;
    }
    await fh.sync();
    await fh.close();
    return written;
  } catch (e) {
    await fh.close().catch(() => {});
    if (!existing) await rm(path, { force: true });
    throw e;
  }
}
