/** `setupTestTracing`: a TraceKit client whose spans and logs stay in memory. */
import { getClient, init, shutdown, type TracekitClient } from '../client.js';
import { InMemorySpanExporter } from '../export/memory-exporter.js';
import { InMemoryLogExporter } from '../export/memory-log-exporter.js';
import type { LogRecordData } from '../export/log-types.js';
import type { ReadableSpan } from '../export/types.js';
import type { TracekitOptions } from '../types.js';

/** A started test client and its in-memory exporter. */
export interface TestTracing {
  client: TracekitClient;
  exporter: InMemorySpanExporter;
  logExporter: InMemoryLogExporter;
  /** Flushes the pipeline and returns every log record exported so far. */
  logs(): Promise<LogRecordData[]>;
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
  const logExporter = new InMemoryLogExporter();
  const client = init({ handleShutdown: false, batchDelayMs: 5, serviceName: 'test-service', ...options }, { exporter, logExporter, env: {} });
  return {
    client,
    exporter,
    logExporter,
    async logs() {
      await client.flush();
      return [...logExporter.records];
    },
    async spans() {
      await client.flush();
      return [...exporter.spans];
    },
    reset() {
      exporter.reset();
      logExporter.reset();
    },
  };
}
