import { libraryConfig } from '../../tsup.shared.js';

// The supervisor is its own entry: it runs as a separate Node process.
export default libraryConfig(['src/index.ts', 'src/supervisor.ts']);
