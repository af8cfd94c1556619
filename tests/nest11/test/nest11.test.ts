import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { conformanceScenarios, createConformanceContext } from '@tracekit/core/testing';
import { expressPlatform, startNestApp } from '../../../packages/nestjs/test/conformance-app.js';
import { pipelineSuite } from '../../../packages/nestjs/test/pipeline-suite.js';

describe('the NestJS under test', () => {
  it('is NestJS 11 with platform-express 11', async () => {
    const { VERSION_NEUTRAL } = await import('@nestjs/common');
    expect(VERSION_NEUTRAL).toBeDefined();
    const require = createRequire(import.meta.url);
    for (const name of ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express']) {
      expect((require(`${name}/package.json`) as { version: string }).version, name).toMatch(/^11\./);
    }
    // The suites' imports resolve to that copy, not to the repository's NestJS 12.
    const core = await import('@nestjs/core');
    expect(require.resolve('@nestjs/core')).toContain('tests/nest11/node_modules/@nestjs/core');
    expect(core.NestFactory).toBe(require('@nestjs/core').NestFactory);
  });
});

describe('conformance: NestJS 11 on platform-express', () => {
  const ctx = createConformanceContext({ framework: 'nestjs', start: (options) => startNestApp(options, expressPlatform) });
  beforeAll(() => ctx.setup());
  afterAll(() => ctx.teardown());
  for (const s of conformanceScenarios) it(s.name, () => s.run(ctx));
});

describe('pipeline', () => {
  pipelineSuite('NestJS 11', [['platform-express', expressPlatform]]);
});
