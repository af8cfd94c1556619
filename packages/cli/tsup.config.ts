import { packageConfig } from '../../tsup.base';

// @tracekit/core stays external (a dependency): bundled, its CommonJS requires of node built-ins
// break inside the ES module build.
export default packageConfig({ index: 'src/index.ts', bin: 'src/bin.ts' }, { external: ['@tracekit/core', '@tracekit/core/adapter'] });
