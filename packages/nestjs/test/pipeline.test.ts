import { FastifyAdapter } from '@nestjs/platform-fastify';
import { expressPlatform } from './conformance-app.js';
import { pipelineSuite } from './pipeline-suite.js';

pipelineSuite('NestJS 12', [
  ['platform-express', expressPlatform],
  ['platform-fastify', () => new FastifyAdapter()],
]);
