import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.mts';

/** Child processes run the built adapters; the tests themselves only read the stores. */
export default mergeConfig(shared, { test: { testTimeout: 60_000 } });
