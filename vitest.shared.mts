import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const core = (file: string) => fileURLToPath(new URL(`./packages/core/src/${file}`, import.meta.url));

/**
 * The vitest settings every package shares. Tests import @tracekit/core from source, so they
 * never depend on a stale build; examples and child-process tests use the built packages.
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tracekit\/core\/testing$/, replacement: core('testing/index.ts') },
      { find: /^@tracekit\/core\/adapter$/, replacement: core('adapter-api.ts') },
      { find: /^@tracekit\/core$/, replacement: core('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
