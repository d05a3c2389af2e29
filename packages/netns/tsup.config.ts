import { libraryConfig } from '../../tsup.shared.js';

// The library, and the `ctrkit-cni` bin (package.json "bin") at dist/cni/main.js.
export default libraryConfig({ index: 'src/index.ts', 'cni/main': 'src/cni/main.ts' });
