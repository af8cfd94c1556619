/**
 * Test support shared by the adapters' "one SERVER span per request" suites: a real
 * NodeTracerProvider with an in-memory exporter, and OpenTelemetry's HttpInstrumentation
 * patching Node's http server, as an app that already runs the OpenTelemetry SDK has them.
 */
import { context, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { createRequire } from 'node:module';

export interface InstrumentationHttp {
  /** What the app's SDK exported. */
  readonly sdkSpans: InMemorySpanExporter;
  /** The SDK's SERVER span of the request with this TraceKit request ID (waits for it). */
  sdkServer(requestId: string): Promise<ReadableSpan>;
  /** Unpatches and unregisters everything. */
  stop(): Promise<void>;
}

export function startInstrumentationHttp(): InstrumentationHttp {
  const sdkSpans = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(sdkSpans)] });
  provider.register();
  const instrumentation = new HttpInstrumentation();
  instrumentation.setTracerProvider(provider);
  // instrumentation-http patches Node's http server when `http` is required.
  createRequire(import.meta.url)('node:http');
  return {
    sdkSpans,
    async sdkServer(requestId) {
      for (let i = 0; i < 100; i++) {
        const span = sdkSpans.getFinishedSpans().find((s) => s.attributes['tracekit.request_id'] === requestId);
        if (span) return span;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no SDK span for ${requestId}`);
    },
    async stop() {
      instrumentation.disable();
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
