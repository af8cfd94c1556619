import { afterAll, beforeAll, describe, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import { conformanceScenarios, createConformanceContext } from '@tracekit/core/testing';
import { startExpressApp } from './conformance-app.js';

for (const [version, express] of [
  ['Express 5', express5],
  ['Express 4', express4],
] as const) {
  describe(`conformance: ${version}`, () => {
    const ctx = createConformanceContext({ framework: 'express', start: (options) => startExpressApp(express, options) });
    beforeAll(() => ctx.setup());
    afterAll(() => ctx.teardown());
    for (const s of conformanceScenarios) it(s.name, () => s.run(ctx));
  });
}
