import { afterAll, afterEach, beforeAll } from 'vitest';
import type { TracekitOptions } from '@tracekit/core';
import { setupTestTracing, type TestTracing } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';
import { listen } from './conformance-app.js';

/**
 * A test file's tracing (set up once with `options`, cleared after each test) and its apps on
 * loopback (closed after each test). `serve(app)` returns the app's base URL.
 */
export function servedApps(options: TracekitOptions = {}) {
  let tracing: TestTracing;
  beforeAll(async () => {
    tracing = await setupTestTracing(options);
  });
  afterAll(() => tracekit.shutdown());
  afterEach(() => tracing.reset());
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  return {
    get tracing(): TestTracing {
      return tracing;
    },
    async serve(app: any): Promise<string> {
      const { baseUrl, close } = await listen(app);
      closers.push(close);
      return baseUrl;
    },
  };
}
