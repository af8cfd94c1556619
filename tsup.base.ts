import { defineConfig, type Options } from 'tsup';

/**
 * The one build every package shares: dual ESM + CommonJS with declarations for both, source
 * maps, Node 20. `splitting` shares chunks between several entry points (core's `testing`), so
 * both entries use one copy of each class.
 */
export function packageConfig(entry: Record<string, string>, extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: Object.keys(entry).length > 1,
    ...extra,
  });
}
