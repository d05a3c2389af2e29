export { type Feature, missing, which } from './features.js';
export { type Gate, requires } from './gate.js';
export { uniqueName } from './names.js';
export { makeTempDir, withTempDir } from './temp.js';
export { threadNamespaces, threadsOutsideNamespace } from './threads.js';
