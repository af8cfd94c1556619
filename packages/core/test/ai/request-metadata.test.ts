import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '../../src/testing/index.js';
import { createAdapter, endWithNodeResponse, nodeRequestInfo } from '../../src/adapter-api.js';
import { setMetadata, shutdown, trackEvent } from '../../src/index.js';
import { aiSpans } from './support/helpers.js';
// @ts-expect-error plain JS support module
import { startFakeProvider } from './support/fake-provider.mjs';

let t: TestTracing;
let fake: { url: string; close(): Promise<void> };
let server: http.Server;
let base: string;

beforeAll(async () => {
  t = await setupTestTracing();
  fake = await startFakeProvider();
  const openai = new OpenAI({ apiKey: 'sk-test-000000000000000000000000', baseURL: `${fake.url}/v1`, maxRetries: 0 });
  const runtime = createAdapter('node-http');
  server = http.createServer((req, res) => {
    const scope = runtime.start(req, nodeRequestInfo(req));
    if (!scope) return res.end();
    endWithNodeResponse(runtime, scope, res);
    scope.run(async () => {
      setMetadata({ chatId: 'chat-9', userId: 'u-1', organizationId: 'org-3', sessionId: 's-5' });
      const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      trackEvent('answered', { tokens: r.usage?.total_tokens });
      res.end(r.choices[0]!.message.content ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await fake.close();
  await shutdown();
});

describe('setMetadata inside a request', () => {
  it('tags the AI span (gen_ai.conversation.id from chatId) and the request, and the event record', async () => {
    const res = await fetch(`${base}/ask`);
    expect(await res.text()).toBe('Paris is the capital of France.');
    await new Promise((r) => setTimeout(r, 20));
    const spans = await t.spans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const [ai] = aiSpans(spans);
    expect(ai!.parentSpanId).toBe(server.spanId);
    const ids = { 'user.id': 'u-1', 'session.id': 's-5', 'tracekit.chat.id': 'chat-9', 'tracekit.organization.id': 'org-3' };
    expect(ai!.attributes).toMatchObject({ 'gen_ai.conversation.id': 'chat-9', ...ids });
    expect(server.attributes).toMatchObject(ids);
    const event = (await t.logs()).find((l) => l.attributes?.['tracekit.event.name'] === 'answered')!;
    expect(event.attributes).toMatchObject(ids);
  });
});
