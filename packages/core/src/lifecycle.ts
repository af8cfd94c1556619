import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { TracekitClient } from './client.js';
import { withRequest } from './context.js';
import { isErrorException, isErrorStatus } from './error-policy.js';
import { errorMessage, errorType } from './exception.js';
import type { CodeLocation } from './errors/call-site.js';
import { normaliseMethod, requestAttributes } from './http-attributes.js';
import { parseTraceparent } from './propagation.js';
import type { RequestState } from './request-state.js';
import { resolveRequestId } from './request-id.js';
import type { RequestInfo, RequestMetadata } from './types.js';

/** What an adapter reports when the response is done. */
export interface ResponseInfo {
  statusCode: number;
  /** The connection closed before the response was sent (a client abort or a timeout). */
  aborted?: boolean;
  /** Why it was aborted, reported as `error.type` (`timeout`). Default `aborted`. */
  abortReason?: string;
  /** Reads one response header by its lower-case name (for `captureHeaders.response`). */
  header?(name: string): string | number | string[] | undefined;
}

/** Per-request settings the adapter runtime passes in. */
export interface ScopeSettings {
  framework: string;
  requestIdHeader: string;
  captureRequestHeaders: readonly string[];
  captureResponseHeaders: readonly string[];
}

/**
 * One request's lifecycle, shared by every adapter: `run` enters its async context,
 * `setRoute` / `setHandler` / `recordError` enrich it, and `end` (idempotent) finishes the
 * SERVER span with the response status.
 */
export class RequestScope implements RequestState {
  readonly requestId: string;
  readonly span: Span;
  readonly context: Context;
  metadata: RequestMetadata | undefined = undefined;
  route: string | undefined = undefined;
  /** Overrides the default span name at `end`. */
  nameOverride: string | undefined = undefined;
  private readonly method: string;
  private errorSeen = false;
  private readonly recorded = new Set<unknown>();
  private ended = false;
  /** Called just before the SERVER span ends (the adapter's responseHook). */
  beforeEnd: ((span: Span) => void) | undefined = undefined;

  constructor(
    private readonly client: TracekitClient,
    info: RequestInfo,
    private readonly settings: ScopeSettings,
    parentContext: Context = context.active(),
  ) {
    this.method = normaliseMethod(info.method);
    this.requestId = resolveRequestId(info.header(settings.requestIdHeader));
    const attributes = requestAttributes(info);
    attributes['tracekit.request_id'] = this.requestId;
    attributes['tracekit.framework'] = settings.framework;
    for (const name of settings.captureRequestHeaders) {
      const value = info.header(name);
      if (value !== undefined) attributes[`http.request.header.${name}`] = [value];
    }
    const remote = parseTraceparent(info.header('traceparent'), info.header('tracestate'));
    const parent = remote ? trace.setSpanContext(parentContext, remote) : trace.deleteSpan(parentContext);
    this.span = client.tracer.startSpan(this.method === '_OTHER' ? 'HTTP' : this.method, { kind: SpanKind.SERVER, attributes }, parent);
    this.context = withRequest(parent, this);
  }

  get framework(): string {
    return this.settings.framework;
  }

  /** Runs `fn` inside the request's async context. */
  run<T>(fn: () => T): T {
    return context.with(this.context, fn);
  }

  /** Records the matched route template (`/users/:id`). */
  setRoute(template: string): void {
    if (this.ended || !template) return;
    this.route = template;
    this.span.setAttribute('http.route', template);
  }

  /** Records the function that handles the request (`code.function.name`). */
  setHandler(name: string): void {
    if (!this.ended && name) this.span.setAttribute('code.function.name', name);
  }

  /**
   * Records where the matched route was registered (`code.filepath`, `code.lineno`), from
   * `registrationSite()` captured once per route by the adapter.
   */
  setCodeLocation(site: CodeLocation | undefined): void {
    if (this.ended || !site) return;
    this.span.setAttribute('code.filepath', site.filepath);
    this.span.setAttribute('code.lineno', site.lineno);
  }

  /**
   * Records an exception that escaped the handler. Errors with an HTTP status below 500 (by
   * shape) are not errors and are not recorded; the same error object is recorded once. The
   * `exception` event gets its frames, source context, fingerprint and culprit location
   * (`code.filepath`, `code.lineno`, `code.function.name`) off the request path (docs/errors.md).
   */
  recordError(err: unknown): void {
    if (this.ended || this.recorded.has(err)) return;
    this.recorded.add(err);
    if (!isErrorException(err)) return;
    this.errorSeen = true;
    this.client.errors.record(this.span, err);
    this.span.setAttribute('error.type', errorType(err));
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
  }

  /** True once an error was recorded. */
  get failed(): boolean {
    return this.errorSeen;
  }

  /** Starts a child span of the request (a route handler, a guard) and its context. */
  startChild(name: string, attributes?: Attributes, parent: Context = this.context): { span: Span; context: Context } {
    const span = this.client.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
    return { span, context: trace.setSpan(parent, span) };
  }

  /** Finishes the SERVER span. Only the first call counts. */
  end(response: ResponseInfo): void {
    if (this.ended) return;
    this.ended = true;
    const span = this.span;
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.aborted) {
      if (!this.errorSeen) {
        span.setAttribute('error.type', response.abortReason ?? 'aborted');
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'the connection closed before the response was sent' });
      }
    } else if (isErrorStatus(response.statusCode)) {
      if (!this.errorSeen) {
        span.setAttribute('error.type', String(response.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    }
    if (response.header) {
      for (const name of this.settings.captureResponseHeaders) {
        const value = response.header(name);
        if (value !== undefined) span.setAttribute(`http.response.header.${name}`, Array.isArray(value) ? value : [String(value)]);
      }
    }
    span.updateName(this.nameOverride ?? (this.route ? `${this.method === '_OTHER' ? 'HTTP' : this.method} ${this.route}` : this.method === '_OTHER' ? 'HTTP' : this.method));
    if (this.beforeEnd) this.beforeEnd(span);
    span.end();
  }

  get isEnded(): boolean {
    return this.ended;
  }
}
