import { afterAll, beforeAll, describe, it } from 'vitest';
import koa3 from 'koa';
import koa2 from 'koa2';
import { conformanceScenarios, createConformanceContext } from '@tracekit/core/testing';
import { buildConformanceApp, listen, type KoaClass } from './conformance-app.js';

for (const [version, Koa] of [
  ['Koa 3', koa3 as unknown as KoaClass],
  ['Koa 2', koa2 as unknown as KoaClass],
] as const) {
  describe(`conformance: ${version} with @koa/router`, () => {
    const ctx = createConformanceContext({ framework: 'koa', start: (options) => listen(buildConformanceApp(Koa, options)) });
    beforeAll(() => ctx.setup());
    afterAll(() => ctx.teardown());
    for (const s of conformanceScenarios) it(s.name, () => s.run(ctx));
  });
}
