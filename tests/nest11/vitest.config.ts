import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.mts';

const nest11 = fileURLToPath(new URL('./node_modules/@nestjs/', import.meta.url));

/**
 * Runs @tracekit/nestjs (from source) and its shared test suites against the NestJS 11
 * installed in this workspace: every `@nestjs/*` import, in the adapter and in the suites,
 * resolves here rather than to the repository's NestJS 12.
 */
export default mergeConfig(shared, {
  resolve: {
    alias: [
      { find: /^@tracekit\/nestjs$/, replacement: fileURLToPath(new URL('../../packages/nestjs/src/index.ts', import.meta.url)) },
      { find: /^@nestjs\/(common|core|platform-express)(\/.*)?$/, replacement: `${nest11}$1$2` },
    ],
  },
});
