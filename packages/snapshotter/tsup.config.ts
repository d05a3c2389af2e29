import { libraryConfig } from '../../tsup.shared.js';

export default libraryConfig({ index: 'src/index.ts', 'testsuite/index': 'src/testsuite/index.ts' });
