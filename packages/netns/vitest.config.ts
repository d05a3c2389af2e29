import { ctrkitVitestConfig } from '../../vitest.shared.js';

// The pod-matrix tests spawn hundreds of pings; under the kernel-v2 VM (npm run
// test:kernel-v2) JavaScript runs several times slower, so allow 5 minutes per test (the 20-pod matrix took 136 s there).
export default ctrkitVitestConfig(import.meta.dirname, { systemTimeoutMs: 300_000 });
