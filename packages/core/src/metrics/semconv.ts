/**
 * Metric and attribute names. Stable names come from `@opentelemetry/semantic-conventions`;
 * the Node.js and V8 runtime metrics are still incubating there and are defined here, as the
 * OpenTelemetry project recommends for libraries.
 */
export {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';

export const METRIC_NODEJS_EVENTLOOP_DELAY_MIN = 'nodejs.eventloop.delay.min';
export const METRIC_NODEJS_EVENTLOOP_DELAY_MAX = 'nodejs.eventloop.delay.max';
export const METRIC_NODEJS_EVENTLOOP_DELAY_MEAN = 'nodejs.eventloop.delay.mean';
export const METRIC_NODEJS_EVENTLOOP_DELAY_P50 = 'nodejs.eventloop.delay.p50';
export const METRIC_NODEJS_EVENTLOOP_DELAY_P90 = 'nodejs.eventloop.delay.p90';
export const METRIC_NODEJS_EVENTLOOP_DELAY_P99 = 'nodejs.eventloop.delay.p99';
export const METRIC_NODEJS_EVENTLOOP_UTILIZATION = 'nodejs.eventloop.utilization';
export const METRIC_V8JS_MEMORY_HEAP_USED = 'v8js.memory.heap.used';
export const METRIC_V8JS_MEMORY_HEAP_LIMIT = 'v8js.memory.heap.limit';
export const METRIC_V8JS_GC_DURATION = 'v8js.gc.duration';
export const ATTR_V8JS_HEAP_SPACE_NAME = 'v8js.heap.space.name';
export const ATTR_V8JS_GC_TYPE = 'v8js.gc.type';
/** The OpenTelemetry attribute of the series that collects measurements beyond the cardinality limit. */
export const ATTR_OTEL_METRIC_OVERFLOW = 'otel.metric.overflow';
