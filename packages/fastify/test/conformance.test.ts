import { afterAll, beforeAll, describe, it } from 'vitest';
import fastify5 from 'fastify';
import fastify4 from 'fastify4';
import { conformanceScenarios, createConformanceContext } from '@tracekit/core/testing';
import { buildConformanceApp, listen, type FastifyFactory } from './conformance-app.js';

for (const [version, Fastify] of [
  ['Fastify 5', fastify5 as unknown as FastifyFactory],
  ['Fastify 4', fastify4 as unknown as FastifyFactory],
] as const) {
  describe(`conformance: ${version}`, () => {
    const ctx = createConformanceContext({ framework: 'fastify', start: async (options) => listen(await buildConformanceApp(Fastify, options)) });
    beforeAll(() => ctx.setup());
    afterAll(() => ctx.teardown());
    for (const s of conformanceScenarios) it(s.name, () => s.run(ctx));
  });
}
