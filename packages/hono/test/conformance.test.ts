import { afterAll, beforeAll, describe, it } from 'vitest';
import { conformanceScenarios, createConformanceContext } from '@tracekit/core/testing';
import { buildConformanceApp, listen } from './conformance-app.js';

describe('conformance: Hono on @hono/node-server', () => {
  const ctx = createConformanceContext({ framework: 'hono', start: (options) => listen(buildConformanceApp(options)) });
  beforeAll(() => ctx.setup());
  afterAll(() => ctx.teardown());
  for (const s of conformanceScenarios) it(s.name, () => s.run(ctx));
});
