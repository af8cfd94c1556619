export * from '@tracekit/core';
export { TracekitModule, TracekitInstrumentation, TRACEKIT_MODULE_OPTIONS } from './tracekit.module.js';
export type { NestjsOptions, TracekitModuleAsyncOptions, TracekitOptionsFactory } from './tracekit.module.js';
export { getRequestScope } from './platform.js';
