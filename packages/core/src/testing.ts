/**
 * Test helpers for TraceKit and its adapters: a client whose spans stay in memory, and the
 * conformance kit every adapter runs.
 */
import { getClient, init, shutdown, type TracekitClient } from './client.js';
import { InMemorySpanExporter } from './export/memory-exporter.js';
import type { ReadableSpan } from './export/types.js';
import type { TracekitOptions } from './types.js';

/** A started test client and its in-memory exporter. */
export interface TestTracing {
  client: TracekitClient;
  exporter: InMemorySpanExporter;
  /** Flushes the pipeline and returns every span exported so far. */
  spans(): Promise<ReadableSpan[]>;
  /** Clears the exported spans. */
  reset(): void;
}

/**
 * Replaces the process's TraceKit client with one that exports to memory (shutdown hooks off,
 * short batch delay). Call `shutdown()` from `@tracekit/core` when done.
 */
export async function setupTestTracing(options: TracekitOptions = {}): Promise<TestTracing> {
  if (getClient()) await shutdown();
  const exporter = new InMemorySpanExporter();
  const client = init({ handleShutdown: false, batchDelayMs: 5, serviceName: 'test-service', ...options }, { exporter, env: {} });
  return {
    client,
    exporter,
    async spans() {
      await client.flush();
      return [...exporter.spans];
    },
    reset() {
      exporter.reset();
    },
  };
}

export { InMemorySpanExporter };
