// An ES module app: the SDKs are imported before TraceKit, no --import flag.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import * as tracekit from '@tracekit/core';
import { createRequire } from 'node:module';

const { scenarios } = createRequire(import.meta.url)('./scenarios.cjs');
const openai = new OpenAI({ apiKey: 'sk-test-childapp-0123456789abcdef', baseURL: `${process.env.FAKE_URL}/v1`, maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: 'sk-ant-childapp-0123456789abcdef', baseURL: process.env.FAKE_URL, maxRetries: 0 });
const client = tracekit.init({ serviceName: 'ai-app-esm', handleShutdown: false });
const results = await scenarios(tracekit, openai, anthropic, OpenAI, Anthropic);
const stats = client.stats();
await tracekit.shutdown();
process.stdout.write(JSON.stringify({ results, stats }));
