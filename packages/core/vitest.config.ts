import { configDefaults, defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.mts';

// The line-probe tests drive the debugger of child processes against a 15 ms pause deadline: a
// hit whose reads the deadline cuts is marked `timeout`, and on a loaded two-core machine, with
// the other test files running beside them, every hit could be cut for the whole 30-s wait (a
// fresh-clone CI run failed that way). They run after the rest of the suite, one file at a time.
const ALONE = ['test/monitoring/probes.test.ts', 'test/monitoring/probes-http.test.ts'];

// Each project repeats the shared settings (spread, so `include` is replaced rather than merged).
export default defineConfig({
  resolve: shared.resolve,
  test: {
    projects: [
      { resolve: shared.resolve, test: { ...shared.test, name: 'core', exclude: [...configDefaults.exclude, ...ALONE], sequence: { groupOrder: 0 } } },
      { resolve: shared.resolve, test: { ...shared.test, name: 'core-probes', include: ALONE, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
