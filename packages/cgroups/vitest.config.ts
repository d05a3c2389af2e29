import { mergeConfig } from 'vitest/config';
import { ctrkitVitestConfig } from '../../vitest.shared.js';

// The leak check runs once around the whole suite (both projects).
export default mergeConfig(ctrkitVitestConfig(import.meta.dirname), {
  test: { globalSetup: ['./test/helpers/leak-check.ts'] },
});
