// The official OpenTelemetry SDK as users wire it, with a no-op exporter behind a batch
// processor, so the benchmark measures instrumentation cost and not export I/O.
// Usage: require('./otel-setup.cjs')([new SomeInstrumentation()]) before requiring the framework.
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

const noopExporter = {
  export(spans, done) {
    done({ code: 0 });
  },
  shutdown() {
    return Promise.resolve();
  },
};

module.exports = function setupOtel(instrumentations = [], { http = true } = {}) {
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(noopExporter)] });
  provider.register();
  registerInstrumentations({ tracerProvider: provider, instrumentations: [...(http ? [new HttpInstrumentation()] : []), ...instrumentations] });
  return provider;
};
