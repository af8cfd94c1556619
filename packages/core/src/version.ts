/** The version of @tracekit/core, reported as the instrumentation scope and SDK version. */
export const VERSION = '0.1.0';
