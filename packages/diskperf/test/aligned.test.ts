import { describe, expect, it } from 'vitest';
import { sampleDiskstats } from '../src/index.js';
import { loadAligned } from '../src/internal/aligned.js';

describe('Linux-only parts say why they cannot run', () => {
  it('direct I/O without @ctrkit/sys is ERR_UNSUPPORTED, never a silent buffered run', async () => {
    await expect(loadAligned('@ctrkit/not-installed-sys')).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
      message: expect.stringMatching(process.platform === 'linux' ? /needs @ctrkit\/sys/ : /needs Linux/),
    });
  });
  it('sampling without /proc is ERR_UNSUPPORTED', async () => {
    await expect(sampleDiskstats('vda', 0, { procRoot: '/nonexistent-proc' })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
    });
  });
});
