import { createRequire } from 'node:module';
import type * as Transformer from '@opentelemetry/otlp-transformer';

/**
 * `@opentelemetry/otlp-transformer`, loaded on first use. With its dependencies
 * (`@opentelemetry/sdk-metrics`, `sdk-logs`, `resources`, `core`) it is about 190 modules, 3 MB
 * of heap and 15–20 MB of RSS (docs/performance.md, "Round 7"). The default file store never
 * needs it: spans and metrics are encoded by TraceKit's own OTLP/JSON encoders. Only OTLP
 * exporters (logs, metrics over protobuf, a collector's partial-success answer) and the
 * reference span serializer load it; OTLP exporters do so when they are created, at `init()`,
 * so the load never lands on a request.
 */
let loaded: typeof Transformer | undefined;

export function otlpTransformer(): typeof Transformer {
  return (loaded ??= createRequire(import.meta.url)('@opentelemetry/otlp-transformer') as typeof Transformer);
}
