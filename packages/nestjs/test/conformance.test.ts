import { afterAll, beforeAll, describe, it } from 'vitest';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { conformanceScenarios, createConformanceContext } from '@tracekit/core/testing';
import { expressPlatform, startNestApp, type PlatformFactory } from './conformance-app.js';

const platforms: Array<[string, PlatformFactory]> = [
  ['platform-express', expressPlatform],
  ['platform-fastify', () => new FastifyAdapter()],
];

for (const [name, platform] of platforms) {
  describe(`conformance: NestJS 12 on ${name}`, () => {
    const ctx = createConformanceContext({ framework: 'nestjs', start: (options) => startNestApp(options, platform) });
    beforeAll(() => ctx.setup());
    afterAll(() => ctx.teardown());
    for (const s of conformanceScenarios) it(s.name, () => s.run(ctx));
  });
}
