import { conformanceCases, defineSnapshotterSuite } from '@ctrkit/snapshotter/testsuite';
import { describe, expect, it } from 'vitest';

describe('@ctrkit/snapshotter/testsuite', () => {
  it('exports every case the issue lists (containerd testsuite names)', () => {
    const names = conformanceCases.map((c) => c.name);
    for (const n of [
      'Basic',
      'StatActive',
      'StatCommitted',
      'Transitivity',
      'PrepareView',
      'Update',
      'Remove',
      'Walk',
      'LayerFileUpdate',
      'RemoveDirectoryInLowerLayer',
      'Chown',
      'DirectoryPermissionOnCommit',
      'RemoveIntermediateSnapshot',
      'DeletedFilesInChildSnapshot',
      'MoveFileFromLowerLayer',
      'ViewReadonly',
      'StatInWalk',
      'CloseTwice',
      'RootPermission',
      '128LayersMount',
    ]) {
      expect(names).toContain(n);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('registers one test per case with the runner it is given, filtered by `only`', () => {
    const seen: string[] = [];
    defineSnapshotterSuite(
      {
        describe: (name, fn) => {
          seen.push(`describe ${name}`);
          fn();
        },
        it: (name) => void seen.push(name),
      },
      'fake',
      { open: () => Promise.reject(new Error('not called')), only: ['Basic', 'Walk'] },
    );
    expect(seen).toEqual(['describe fake', 'Walk', 'Basic']);
  });
});
