// Opens ctr-lite's stores under one state root: the content store and image store of
// @ctrkit/oci-image, the overlayfs snapshotter of @ctrkit/snapshotter, and runc's state.
import { ContentStore, ImageStore } from '@ctrkit/oci-image';
import { Runc } from '@ctrkit/runtime';
import { Snapshotter } from '@ctrkit/snapshotter';
import { ensureState, type StatePaths, statePaths } from './state.js';

export interface Context {
  readonly paths: StatePaths;
  readonly content: ContentStore;
  readonly images: ImageStore;
  readonly json: boolean;
  snapshotter(): Promise<Snapshotter>;
  runc(): Runc;
  close(): Promise<void>;
}

export async function openContext(root: string, json: boolean): Promise<Context> {
  const paths = statePaths(root);
  await ensureState(paths);
  const content = await ContentStore.open(paths.content);
  const images = await ImageStore.open(paths.images);
  let snap: Snapshotter | undefined;
  return {
    paths,
    content,
    images,
    json,
    async snapshotter() {
      snap ??= await Snapshotter.open(paths.snapshots, { driver: 'overlayfs' });
      return snap;
    },
    runc() {
      return new Runc({ root: paths.runc });
    },
    async close() {
      await snap?.close();
    },
  };
}
