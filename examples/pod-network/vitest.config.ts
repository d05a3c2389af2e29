import { ctrkitVitestConfig } from '../../vitest.shared.js';

export default ctrkitVitestConfig(import.meta.dirname, { systemTimeoutMs: 180_000 });
