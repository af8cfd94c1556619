/**
 * The shapes of the viewer's JSON API, shared by the server (which produces them) and the web
 * front end (which renders them as text). Times are epoch milliseconds, durations milliseconds.
 */

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attrs = Record<string, AttrValue>;

export interface SpanEventDto {
  time: number;
  name: string;
  attributes: Attrs;
}

export interface SpanLinkDto {
  traceId: string;
  spanId: string;
  attributes: Attrs;
}

/** One span as the API returns it. */
export interface SpanDto {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP kind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  start: number;
  end: number;
  duration: number;
  attributes: Attrs;
  events: SpanEventDto[];
  links: SpanLinkDto[];
  /** code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  service: string;
  resource: Attrs;
  scope: string;
}

/** One row of the trace list. */
export interface TraceSummary {
  traceId: string;
  /** The root span's name (or the earliest span's while the root has not arrived). */
  name: string;
  service: string;
  start: number;
  duration: number;
  spanCount: number;
  errorCount: number;
  method?: string;
  route?: string;
  path?: string;
  statusCode?: number;
  requestId?: string;
}

export interface TraceListResponse {
  traces: TraceSummary[];
  /** Traces that matched the filters (the list holds at most `limit` of them). */
  total: number;
  /** Every trace held. */
  held: number;
}

/** A frame of `tracekit.error.frames` (see docs/errors.md). */
export interface FrameDto {
  function?: string;
  file: string;
  line?: number;
  column?: number;
  in_app: boolean;
  origin?: string;
  pre?: string[];
  context_line?: string;
  post?: string[];
}

export interface ErrorGroupDto {
  fingerprint: string;
  type: string;
  message: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  routes: Array<{ route: string; count: number }>;
  services: string[];
  /** Newest first; only traces still held. */
  sampleTraceIds: string[];
  /** From the newest occurrence; innermost first. */
  frames: FrameDto[];
}

export interface RouteStatsDto {
  service: string;
  method: string;
  route: string;
  count: number;
  /** Requests per second over the window. */
  rate: number;
  errorRate: number;
  p50: number;
  p95: number;
  p99: number;
  /** From OTLP metrics (`http.server.request.duration`), when an app sends them. */
  metrics?: { count: number; p50?: number; p95?: number; p99?: number };
}

export interface LogDto {
  time: number;
  severity: string;
  body: AttrValue;
  eventName: string;
  attributes: Attrs;
  traceId: string;
  spanId: string;
  service: string;
}

export interface InventoryEntryDto {
  service: string;
  file: string;
  function: string;
  line: number;
  firstSeen: number;
  lastSeen: number;
  count: number;
  /** Error groups with an in-app frame at this place. */
  errors: Array<{ fingerprint: string; type: string; message: string }>;
}

export interface FunctionCallDto {
  /** `span` for an INTERNAL span with `code.function.name`, else the record kind (ENTER, EXIT, EXCEPTION). */
  kind: string;
  time: number;
  duration?: number;
  function: string;
  file?: string;
  line?: number;
  traceId: string;
  spanId: string;
  error?: string;
}

export interface AiCallDto {
  traceId: string;
  spanId: string;
  time: number;
  duration: number;
  operation: string;
  provider: string;
  model: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  timeToFirstChunk?: number;
  conversationId?: string;
  error?: string;
}

export interface StatsDto {
  traces: number;
  spans: number;
  logs: number;
  metricPoints: number;
  bytes: number;
  evicted: { traces: number; spans: number; logs: number };
  sources: string[];
  version: string;
}

/** `.tracekit/breakpoints.json` as the snapshots view lists it (entries as written, see DESIGN.md section 8). */
export interface BreakpointsDto {
  file: string;
  breakpoints: Array<Record<string, unknown>>;
  probes: Array<Record<string, unknown>>;
  error?: string;
}

/** The newest point of one metric series. For histograms, `value` is the mean. */
export interface MetricDto {
  service: string;
  name: string;
  unit: string;
  type: 'gauge' | 'sum' | 'histogram';
  time: number;
  attributes: Attrs;
  value?: number;
  count?: number;
  sum?: number;
}
