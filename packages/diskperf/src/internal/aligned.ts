// Aligned memory for O_DIRECT. Node cannot request an aligned allocation and JS cannot
// see a buffer's address (nodejs/node#57047), so the buffers come from @ctrkit/sys
// (posix_memalign). It is an optional dependency, loaded on first use: without it a
// direct probe is refused rather than silently run through the page cache.
import { DiskperfError } from '../errors.js';

interface SysAligned {
  alignedBuffer(size: number, alignment?: number): Buffer;
}

let loaded: Promise<SysAligned> | undefined;

/**
 * The @ctrkit/sys addon's alignedBuffer, or ERR_UNSUPPORTED saying why it is unavailable.
 * `specifier` exists for tests (a package that is not installed).
 */
export function loadAligned(specifier?: string): Promise<SysAligned> {
  if (specifier !== undefined) return load(specifier);
  if (!loaded) {
    loaded = load(['@ctrkit', 'sys'].join('/'));
    loaded.catch(() => {
      loaded = undefined; // retry on the next call (the package may be installed later)
    });
  }
  return loaded;
}

function load(spec: string): Promise<SysAligned> {
  return (async () => {
    if (process.platform !== 'linux') {
      throw new DiskperfError('ERR_UNSUPPORTED', `O_DIRECT probing needs Linux (this is ${process.platform})`);
    }
    // A computed specifier keeps the optional package out of type resolution and bundling.
    let mod: Partial<SysAligned>;
    try {
      mod = (await import(spec)) as Partial<SysAligned>;
    } catch (cause) {
      throw new DiskperfError(
        'ERR_UNSUPPORTED',
        'direct: true needs @ctrkit/sys (aligned buffers for O_DIRECT); install it, or pass direct: false for a page-cache measurement',
        { cause },
      );
    }
    if (typeof mod.alignedBuffer !== 'function') {
      throw new DiskperfError(
        'ERR_UNSUPPORTED',
        'the installed @ctrkit/sys has no alignedBuffer(); upgrade it to use direct: true',
      );
    }
    const fn = mod.alignedBuffer;
    try {
      fn(4096, 4096); // loads the addon now, so a missing build fails here and not mid-run
    } catch (cause) {
      throw new DiskperfError(
        'ERR_UNSUPPORTED',
        `@ctrkit/sys could not allocate aligned memory (${(cause as Error).message}); is its native addon built?`,
        { cause },
      );
    }
    return { alignedBuffer: fn };
  })();
}
