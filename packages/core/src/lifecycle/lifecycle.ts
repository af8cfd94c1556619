import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanContext } from '@opentelemetry/api';
import type { TracekitClient } from '../client.js';
import { withRequest, withRequestState } from '../context/context.js';
import { DroppedRequest, EndedRequest, EndedSpan } from '../context/ended-request.js';
import { LinkedContext } from '../context/linked-context.js';
import { isErrorException, isErrorStatus } from '../errors/error-policy.js';
import { errorMessage, errorType } from '../errors/exception.js';
import type { CodeLocation } from '../errors/call-site.js';
import { normaliseMethod, requestAttributes } from '../http/http-attributes.js';
import { newSpanId } from '../tracing/ids.js';
import { parseTraceparent } from '../http/propagation.js';
import { BODY_ATTRIBUTES, BODY_MARGIN, bodyText, isTextualContentType, type BodyCaptureConfig } from '../redaction/body-capture.js';
import { Decision, isKept, records } from '../sampling/sampler.js';
import { randomWord, wordsHex } from '../sampling/random-words.js';
import { traceIdRatioValue } from '../sampling/trace-id-ratio.js';
import { UnsampledSpan, type FailureObserver } from '../sampling/unsampled-span.js';
import { TracekitSpan } from '../tracing/span.js';
import { TracekitTracer } from '../tracing/tracer.js';
import type { RequestState } from '../context/request-state.js';
import { resolveRequestId } from '../http/request-id.js';
import { existingServerSpan, setForeignAttributes } from './server-span.js';
import { metadataAttributes } from '../context/metadata.js';
import { recordException } from '../tracing/manual.js';
import type { RequestInfo, RequestMetadata } from '../types.js';

// `METHOD /route` names, one string per method and route for the process: the same string
// object for every request of a route, so the encoder and the redactor's cache meet it again
// instead of a new concatenation each time.
const SPAN_NAMES = new Map<string, Map<string, string>>();
const SPAN_NAMES_PER_METHOD = 2048;
function spanName(method: string, route: string): string {
  let byRoute = SPAN_NAMES.get(method);
  if (byRoute === undefined) SPAN_NAMES.set(method, (byRoute = new Map()));
  let name = byRoute.get(route);
  if (name === undefined) {
    name = `${method} ${route}`;
    if (byRoute.size < SPAN_NAMES_PER_METHOD) byRoute.set(route, name);
  }
  return name;
}

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
 *
 * Sampling (docs/sampling.md) is decided here, at the start, from the trace ID, the method and
 * the path. A request the sampler drops records nothing: its span is an {@link UnsampledSpan}
 * and the scope only keeps what it already has (the request info, route, handler, errors). If
 * tail sampling then keeps it (it failed, or was slow), `end` builds the SERVER span from that.
 * A request a route rule may still decide is recorded with its spans held back until `end`.
 */
export class RequestScope implements RequestState, FailureObserver {
  readonly requestId: string;
  /** TraceKit generated the request ID (see RequestState). */
  readonly ownRequestId: boolean;
  readonly span: Span;
  readonly context: Context;
  metadata: RequestMetadata | undefined = undefined;
  route: string | undefined = undefined;
  /** Overrides the default span name at `end`. */
  nameOverride: string | undefined = undefined;
  private readonly method: string;
  private errorSeen = false;
  private recorded: Set<unknown> | undefined = undefined;
  private ended = false;
  spanHold: TracekitSpan[] | 'drop' | undefined = undefined;
  /** The head decision (see sampler.ts). */
  private readonly decision: Decision = Decision.KEEP_HEAD;
  /** The trace ID's ratio value (sampling/trace-id-ratio.ts), for a decision settled at the end. */
  private readonly ratioValue: number = 0;
  private readonly remote: SpanContext | undefined = undefined;
  private readonly target: string;
  /** On the client's clock (epoch ms): the SERVER span's start. */
  private readonly startedAt: number;
  // What a dropped request keeps for tail sampling: enough to build its SERVER span at the end.
  private info: RequestInfo | undefined = undefined;
  private handler: string | undefined = undefined;
  private codeLocation: CodeLocation | undefined = undefined;
  private escaped: unknown[] | undefined = undefined;
  private noted: Attributes[] | undefined = undefined;
  /**
   * True when the SERVER span belongs to another instrumentation (OpenTelemetry's
   * instrumentation-http): TraceKit enriches it and leaves ending it to its owner.
   */
  readonly adopted: boolean;
  /** A dropped request's handler "span" and context (see startHandler), made once. */
  private droppedChild: { span: Span; context: Context } | undefined = undefined;
  /** Called just before the SERVER span ends (the adapter's responseHook). */
  beforeEnd: ((span: Span) => void) | undefined = undefined;
  /** A recorded request's handler span context, emptied with the request's own by release(). */
  private handlerContext: Context | undefined = undefined;
  private released = false;

  constructor(
    private readonly client: TracekitClient,
    info: RequestInfo,
    private readonly settings: ScopeSettings,
    parentContext: Context = context.active(),
  ) {
    this.method = normaliseMethod(info.method);
    const incomingId = info.header(settings.requestIdHeader);
    this.requestId = resolveRequestId(incomingId);
    this.ownRequestId = this.requestId !== incomingId;
    this.target = info.target;
    this.startedAt = client.sampler.now();
    // One SERVER span per request: when instrumentation-http already started it, enrich that one.
    const existing = existingServerSpan(parentContext, info);
    this.adopted = existing !== undefined;
    if (existing) {
      setForeignAttributes(client, existing, this.ownAttributes({}, info));
      this.span = existing;
      this.context = withRequest(parentContext, this);
      return;
    }
    const remote = parseTraceparent(info.header('traceparent'), info.header('tracestate'));
    this.remote = remote;
    // Deleting a span copies the context: only do it when there is one to delete.
    const parent = remote ? trace.setSpanContext(parentContext, remote) : trace.getSpan(parentContext) ? trace.deleteSpan(parentContext) : parentContext;
    const name = this.method === '_OTHER' ? 'HTTP' : this.method;
    const tracer = client.tracer;
    if (tracer instanceof TracekitTracer) {
      const sampler = client.sampler;
      // A new trace ID stays four random words until something needs its hex (most dropped
      // requests never do); its ratio value comes straight from the words.
      let words: [number, number, number, number] | undefined;
      if (remote) this.ratioValue = traceIdRatioValue(remote.traceId);
      else {
        words = [randomWord(), randomWord(), randomWord(), randomWord()];
        if ((words[0] | words[1] | words[2] | words[3]) === 0) words[3] = 1;
        this.ratioValue = (words[0] ^ words[1] ^ words[2] ^ words[3]) >>> 0;
      }
      this.decision = sampler.decideRequest(this.ratioValue, remote, this.method, this.target);
      if (records(this.decision)) {
        const traceId = remote ? remote.traceId : wordsHex(words![0], words![1], words![2], words![3]);
        const options = { kind: SpanKind.SERVER, attributes: this.ownAttributes(requestAttributes(info), info), startTime: this.startedAt };
        this.span = tracer.startDecided(name, options, traceId, newSpanId(), remote, this);
        if (this.decision === Decision.PENDING) this.spanHold = [];
      } else {
        // The cheap path: no attributes, no span; tail sampling keeps only the request info.
        if (sampler.tail) this.info = info;
        this.span = new UnsampledSpan(remote?.traceId, words, remote?.traceState, sampler.tail ? this : undefined);
      }
    } else {
      // The app's OpenTelemetry SDK samples (useGlobalTracerProvider): its decision stands.
      const attributes = this.ownAttributes(requestAttributes(info), info);
      // The request rides along in the context, so the SERVER span gets the request's metadata too.
      this.span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes, startTime: this.startedAt }, withRequestState(parent, this));
    }
    this.context = withRequest(parent, this);
  }

  /** Adds TraceKit's own start attributes (request ID, framework, captured request headers). */
  private ownAttributes(attributes: Attributes, info: RequestInfo): Attributes {
    attributes['tracekit.request_id'] = this.requestId;
    attributes['tracekit.framework'] = this.settings.framework;
    for (const name of this.settings.captureRequestHeaders) {
      const value = info.header(name);
      if (value !== undefined) attributes[`http.request.header.${name}`] = [value];
    }
    return attributes;
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
    // The owner of an adopted span may end it before TraceKit's end: name it now.
    if (this.adopted) this.span.updateName(this.nameOverride ?? this.defaultName());
  }

  private defaultName(): string {
    const method = this.method === '_OTHER' ? 'HTTP' : this.method;
    return this.route ? spanName(method, this.route) : method;
  }

  /** Records the function that handles the request (`code.function.name`). */
  setHandler(name: string): void {
    if (this.ended || !name) return;
    this.handler = name;
    this.span.setAttribute('code.function.name', name);
  }

  /**
   * Records where the matched route was registered (`code.filepath`, `code.lineno`), from
   * `registrationSite()` captured once per route by the adapter.
   */
  setCodeLocation(site: CodeLocation | undefined): void {
    if (this.ended || !site) return;
    this.codeLocation = site;
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
    if (this.ended || this.recorded?.has(err)) return;
    (this.recorded ??= new Set()).add(err);
    if (!isErrorException(err)) return;
    this.errorSeen = true;
    if (this.span instanceof UnsampledSpan) {
      // Dropped: kept for the SERVER span tail sampling may build at the end.
      if (this.info) (this.escaped ??= []).push(err);
      return;
    }
    this.client.errors.record(this.span, err);
    this.span.setAttribute('error.type', errorType(err));
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
  }

  /**
   * Records an error that escaped a child span of the request (a route handler, a guard): on
   * the request, as {@link recordError} does, and on the child when the policy counts it as an
   * error (a 4xx `HttpException` leaves both unmarked).
   */
  recordChildError(child: Span, err: unknown): void {
    this.recordError(err);
    if (isErrorException(err)) recordException(child, err);
  }

  /** True once an error was recorded. */
  get failed(): boolean {
    return this.errorSeen;
  }

  /** FailureObserver: an exception was recorded on a span of this dropped request. */
  noteException(attributes: Attributes): void {
    if (!this.ended && this.info) (this.noted ??= []).push(attributes);
  }

  /**
   * Starts the route handler's child span. A real function name becomes `code.function.name`
   * (on the request too) and names the span `handler <name>`; an anonymous handler (an arrow
   * function, `bound ` stripped to nothing, `<anonymous>`) sets no `code.function.name` and names
   * the span after the request's route (`handler GET /users/:id`), the same in every adapter.
   */
  startHandler(fnName: string | undefined, attributes?: Attributes): { span: Span; context: Context } {
    const name = functionName(fnName);
    if (name) this.setHandler(name);
    // A dropped request's handler span is its one unsampled span, in the request's own context
    // (what startChild would return): no attributes, name or tracer call for a span nobody sees.
    if (this.span instanceof UnsampledSpan) return (this.droppedChild ??= { span: this.span, context: this.context });
    const attrs: Attributes = { ...attributes, 'http.route': this.route ?? '' };
    if (name) attrs['code.function.name'] = name;
    const child = this.startChild(`handler ${name ?? this.defaultName()}`, attrs);
    this.handlerContext = child.context;
    return child;
  }

  /**
   * Called by the export pipeline once the SERVER span was prepared for export (its metadata
   * merged): the request's context, and its handler span's, keep only the IDs from now on
   * (LinkedContext.hollow). A timer created during the request (a keep-alive socket's timeout)
   * keeps that context alive: without this it kept the request's spans, attributes and scope,
   * about 1.4 KB per idle connection, copied by every young-generation collection
   * (docs/performance.md). `getRequestId()`, the active span's IDs, log correlation and child
   * spans started later keep working; metadata set later reaches no span.
   */
  release(): void {
    if (this.released || !this.ended || this.adopted) return;
    this.released = true;
    const own = this.context;
    if (own instanceof LinkedContext) {
      // One object stands for both the request and its SERVER span (a TracekitSpan's fields are its IDs).
      const span = this.span;
      const ended = new EndedRequest(this.requestId, span instanceof TracekitSpan ? span : span.spanContext(), this.settings.framework, this.ownRequestId);
      own.hollow(ended, ended);
    }
    const handler = this.handlerContext;
    this.handlerContext = undefined;
    const handlerSpan = handler ? trace.getSpan(handler) : undefined;
    if (handler instanceof LinkedContext && handlerSpan) {
      handler.hollow(handlerSpan instanceof TracekitSpan ? new EndedSpan(handlerSpan.traceId, handlerSpan.spanId, handlerSpan.traceFlags, handlerSpan.traceState) : EndedSpan.of(handlerSpan));
      // The handler's context is what a keep-alive socket's timeout usually keeps (the response
      // ended in the handler): one object for both from now on.
      if (own instanceof LinkedContext) handler.absorbParent(own);
    }
  }

  /**
   * The end of a dropped request that nothing keeps: as {@link release} does for an exported
   * one, its context (its handler's is the same object) keeps only the request ID and the
   * unsampled span from now on, not this scope. A keep-alive socket's timeout, made during the
   * response, holds that context until the socket's next request: without this, every idle
   * connection kept a scope, which each young-generation collection then copied
   * (docs/performance.md, round 6).
   */
  private releaseDropped(unsampled: UnsampledSpan): void {
    if (this.released || this.adopted) return;
    this.released = true;
    unsampled.detach();
    const own = this.context;
    if (own instanceof LinkedContext) own.hollow(new DroppedRequest(this.requestId, unsampled, this.settings.framework, this.ownRequestId), unsampled);
  }

  /** Starts a child span of the request (a route handler, a guard) and its context. */
  startChild(name: string, attributes?: Attributes, parent: Context = this.context): { span: Span; context: Context } {
    const span = this.client.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
    // A dropped request's child is its one unsampled span: the parent context serves as is.
    return { span, context: span === trace.getSpan(parent) ? parent : trace.setSpan(parent, span) };
  }

  /** `captureBody` when it is on and this request is recorded; else undefined (adapters then capture nothing). */
  get bodyCapture(): BodyCaptureConfig | undefined {
    const config = this.client.config.captureBody;
    return (config.request || config.response) && !this.adopted && this.span.isRecording() ? config : undefined;
  }

  /**
   * Records a body the adapter captured (`tracekit.request.body` / `tracekit.response.body`):
   * a string, bytes, or a parsed value. The export pipeline redacts it JSON-aware and then
   * cuts it at `maxBytes`. Non-text content types are skipped. Never throws.
   */
  captureBody(which: 'request' | 'response', body: unknown, contentType?: unknown): void {
    const config = this.bodyCapture;
    if (this.ended || !config || !config[which] || !isTextualContentType(contentType)) return;
    const text = bodyText(body, config.maxBytes + BODY_MARGIN);
    if (text !== undefined) this.span.setAttribute(BODY_ATTRIBUTES[which], text);
  }

  /** Finishes the SERVER span. Only the first call counts. */
  end(response: ResponseInfo): void {
    if (this.ended) return;
    this.ended = true;
    this.client.metrics?.recordRequest(this.method, this.route, this.startedAt, response, this.errorSeen, this.recorded);
    if (this.adopted) return this.endAdopted(response);
    if (this.span instanceof UnsampledSpan) return this.endDropped(this.span, response);
    const span = this.span;
    this.finish(span, response);
    if (this.beforeEnd) this.beforeEnd(span);
    const endAt = this.client.sampler.now();
    const held = this.spanHold;
    if (held !== undefined && held !== 'drop' && span instanceof TracekitSpan) {
      // A route rule could decide: now the route is known.
      const failed = this.errorSeen || span.status.code === SpanStatusCode.ERROR;
      const d = this.client.sampler.settle(this.decision, this.ratioValue, this.method, this.target, this.route, failed, endAt - this.startedAt);
      if (isKept(d)) {
        if (d === Decision.KEEP_TAIL_ERROR || d === Decision.KEEP_TAIL_SLOW) span.setAttribute('tracekit.sampling.reason', d === Decision.KEEP_TAIL_ERROR ? 'error' : 'slow');
        this.spanHold = undefined;
        (this.client.tracer as TracekitTracer).release(held);
      } else this.spanHold = 'drop';
    }
    span.end(endAt);
  }

  /**
   * The end of a request the head sampler dropped: tail sampling keeps it if it failed or was
   * slow, by building its SERVER span from what the scope recorded; else nothing is left.
   */
  private endDropped(unsampled: UnsampledSpan, response: ResponseInfo): void {
    const info = this.info;
    if (info === undefined) {
      if (this.beforeEnd) this.beforeEnd(unsampled);
      return this.releaseDropped(unsampled);
    }
    this.info = undefined;
    const sampler = this.client.sampler;
    const failed = this.errorSeen || this.noted !== undefined || response.aborted === true || isErrorStatus(response.statusCode);
    // The clock is read only when it can matter: a failure is kept (and needs an end time), or
    // slowness is checked. A dropped request that went well reads it once, at the start.
    const endAt = failed || sampler.slowThresholdMs !== undefined ? sampler.now() : this.startedAt;
    const d = sampler.settle(this.decision, this.ratioValue, this.method, this.target, this.route, failed, endAt - this.startedAt);
    if (!isKept(d)) {
      if (this.beforeEnd) this.beforeEnd(unsampled);
      return this.releaseDropped(unsampled);
    }
    const options = { kind: SpanKind.SERVER, attributes: this.ownAttributes(requestAttributes(info), info), startTime: this.startedAt };
    const name = this.method === '_OTHER' ? 'HTTP' : this.method;
    const span = (this.client.tracer as TracekitTracer).startDecided(name, options, unsampled.traceId, unsampled.spanId, this.remote, this);
    span.setAttribute('tracekit.sampling.reason', d === Decision.KEEP_TAIL_ERROR ? 'error' : 'slow');
    if (this.route) span.setAttribute('http.route', this.route);
    if (this.handler) span.setAttribute('code.function.name', this.handler);
    if (this.codeLocation) {
      span.setAttribute('code.filepath', this.codeLocation.filepath);
      span.setAttribute('code.lineno', this.codeLocation.lineno);
    }
    const escaped = this.escaped ?? [];
    for (const err of escaped) this.client.errors.record(span, err);
    if (escaped.length > 0) {
      // The last one that escaped, as on a SERVER span the head kept (recordError) and in the metric.
      const last = escaped[escaped.length - 1];
      span.setAttribute('error.type', errorType(last));
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(last) });
    }
    // Exceptions recorded on the dropped trace's other spans, once each (an adapter often
    // records the escaped error on its handler span as well).
    const seen = new Set(escaped.map((e) => `${errorType(e)}\u0000${errorMessage(e)}`));
    for (const attributes of this.noted ?? []) {
      const key = `${String(attributes['exception.type'])}\u0000${String(attributes['exception.message'])}`;
      if (seen.has(key)) continue;
      seen.add(key);
      span.addEvent('exception', attributes);
    }
    this.finish(span, response);
    if (this.beforeEnd) this.beforeEnd(span);
    span.end(endAt);
  }

  /** Response status, error status, captured response headers and the final name. */
  private finish(span: Span, response: ResponseInfo): void {
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
    span.setAttributes(this.responseHeaders(response));
    span.updateName(this.nameOverride ?? this.defaultName());
  }

  private responseHeaders(response: ResponseInfo): Attributes {
    const out: Attributes = {};
    if (!response.header) return out;
    for (const name of this.settings.captureResponseHeaders) {
      const value = response.header(name);
      if (value !== undefined) out[`http.response.header.${name}`] = Array.isArray(value) ? value : [String(value)];
    }
    return out;
  }

  /**
   * TraceKit's part of ending an adopted span: its owner records the response status and ends
   * it. Metadata and captured headers go on now, redacted, since TraceKit's pipeline never sees
   * that span.
   */
  private endAdopted(response: ResponseInfo): void {
    const span = this.span;
    // Its owner has ended it already (the connection closed first): it takes no more.
    if (!span.isRecording()) return;
    if (response.aborted && !this.errorSeen) {
      span.setAttribute('error.type', response.abortReason ?? 'aborted');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the connection closed before the response was sent' });
    }
    setForeignAttributes(this.client, span, { ...(this.metadata ? metadataAttributes(this.metadata) : {}), ...this.responseHeaders(response) });
    span.updateName(this.nameOverride ?? this.defaultName());
    if (this.beforeEnd) this.beforeEnd(span);
  }

  get isEnded(): boolean {
    return this.ended;
  }
}

/** A function's name when it has a real one: `''`, `anonymous` and `<anonymous>` are none; `bound ` is dropped. */
export function functionName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const bare = name.startsWith('bound ') ? name.slice(6) : name;
  return bare && bare !== 'anonymous' && bare !== '<anonymous>' ? bare : undefined;
}
