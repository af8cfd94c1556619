import { describe, expect, it } from 'vitest';
import * as publicApi from '../src/index.js';

/**
 * The public API report: every runtime name `@tracekit/core` (and so every adapter) exports.
 * Adding a name is a semver promise: add it here on purpose, with JSDoc on the export.
 * Internals for adapters and tools go to `@tracekit/core/adapter` instead.
 */
export const PUBLIC_API = [
  'Trace',
  'TracekitClient',
  'TracekitConfigError',
  'VERSION',
  'captureSnapshot',
  'clearMetadata',
  'endSpan',
  'flush',
  'getActiveSpan',
  'getClient',
  'getRequestId',
  'getTraceId',
  'init',
  'instrumentAI',
  'pinoMixin',
  'pinoOptions',
  'recordAICall',
  'recordException',
  'setMetadata',
  'shutdown',
  'startAICall',
  'startSpan',
  'trace',
  'trackEvent',
  'winstonFormat',
  'withMetadata',
  'withSpan',
];

describe('the public API of @tracekit/core', () => {
  it('is exactly the documented list', () => {
    expect(Object.keys(publicApi).sort()).toEqual([...PUBLIC_API].sort());
  });

  it('keeps internals off the main entry', () => {
    for (const internal of ['spanJson', 'traceLineEncoder', 'encodeTracesOfficial', 'safeCall', 'warnOnce', 'captureNodeBodies', 'ensureClient', 'resolveConfig', 'RequestScope', 'UnsampledSpan', 'teeNodeResponse']) {
      expect(publicApi).not.toHaveProperty(internal);
    }
  });
});
