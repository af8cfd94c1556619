import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { setupTestTracing, type TestTracing } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';

/**
 * A test file's tracing and servers: an in-memory TraceKit client for the file, cleared after
 * each test, and apps listening on loopback, closed after each test.
 */
export function tracedServers() {
  let tracing: TestTracing;
  const servers: Server[] = [];
  beforeAll(async () => {
    tracing = await setupTestTracing();
  });
  afterEach(() => {
    tracing.reset();
    for (const s of servers.splice(0)) s.close();
  });
  afterAll(() => tracekit.shutdown());

  return {
    get tracing(): TestTracing {
      return tracing;
    },
    /** Starts the app on an ephemeral loopback port; returns its base URL. */
    async listen(app: any): Promise<string> {
      const server: Server = app.listen(0, '127.0.0.1');
      servers.push(server);
      await new Promise((r) => server.once('listening', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    /** Waits for the SERVER span with this request ID. */
    async serverSpan(requestId: string | null) {
      for (let i = 0; i < 50; i++) {
        const span = (await tracing.spans()).find((s) => s.kind === SpanKind.SERVER && s.attributes['tracekit.request_id'] === requestId);
        if (span) return span;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no SERVER span for ${requestId}`);
    },
  };
}
