/**
 * `@tracekit/core/auto`: whole-app function tracing, before the app loads.
 *
 * @example
 * node --enable-source-maps --import @tracekit/core/auto app.js      # ES modules and CommonJS
 * node --enable-source-maps --require @tracekit/core/auto app.js     # CommonJS-only apps
 * node --import tsx --import @tracekit/core/auto app.ts              # TypeScript: tsx first
 */
import { registerAutotrace } from './register.js';

registerAutotrace({ esm: true });

export { registerAutotrace } from './register.js';
export type { AutotraceHandle } from './register.js';
export { autotraceDiagnostics } from './diagnostics.js';
export { getRecorder } from './recorder.js';
export type { CallRecorder } from './recorder.js';
export type { AutotraceDiagnostic } from './diagnostics.js';
export { transformSource } from './transform.js';
export { instrumentModule } from './instrument-module.js';
export type { TransformInput, TransformResult, FunctionMeta } from './transform.js';
