import { ctrkitVitestConfig } from '../../vitest.shared.js';

// The pod-matrix tests spawn hundreds of pings; under the kernel-v2 VM (npm run
// test:kernel-v2) JavaScript runs several times slower, so allow 3 minutes per test.
export default ctrkitVitestConfig(import.meta.dirname, { systemTimeoutMs: 180_000 });
