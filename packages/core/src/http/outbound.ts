import dc from 'node:diagnostics_channel';
import http from 'node:http';
import { context, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { currentClient as getClient } from '../current-client.js';
import { isTracingSuppressed } from '../context/context.js';
import { errorMessage, errorType } from '../errors/exception.js';
import { formatTraceparent } from './propagation.js';
import { aiFetchFor, type UndiciRequestLike } from '../ai/fetch-observer.js';
import { AIWireCall } from '../ai/wire-call.js';
import { aiHttpFor } from '../ai/http-observer.js';

const INSTALLED = Symbol.for('tracekit.outbound');
const SPAN = Symbol('tracekit.outbound.span');

/** The parent of an outbound call: only calls made inside a traced flow get a CLIENT span. */
function parentContext(): Context | undefined {
  const ctx = context.active();
  if (isTracingSuppressed(ctx) || !trace.getSpan(ctx)) return undefined;
  const client = getClient();
  return client && client.config.enabled ? ctx : undefined;
}

function startClientSpan(ctx: Context, method: string, url: URL | undefined): Span | undefined {
  const client = getClient();
  if (!client) return undefined;
  const m = method.toUpperCase();
  const span = client.tracer.startSpan(m, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': m } }, ctx);
  if (url) {
    span.setAttribute('url.full', url.href);
    span.setAttribute('server.address', url.hostname.replace(/^\[|\]$/g, ''));
    span.setAttribute('server.port', url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);
  }
  return span;
}

function finish(span: Span, status: number | undefined, err?: unknown): void {
  if (status !== undefined) {
    span.setAttribute('http.response.status_code', status);
    if (status >= 400) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  if (err !== undefined) {
    span.setAttribute('error.type', errorType(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
  }
  span.end();
}

type TracedRequest = http.ClientRequest & { [SPAN]?: Span; protocol?: string; host?: string };

/**
 * `http` and `https`: Node 20 publishes its client diagnostics channel only after the headers
 * are written, too late to add `traceparent`, so the one hook is `ClientRequest`'s implicit
 * header step, which every request passes through before its headers are rendered.
 */
function instrumentNodeHttp(): void {
  const proto = http.ClientRequest.prototype as unknown as { _implicitHeader: (this: TracedRequest) => void };
  const original = proto._implicitHeader;
  proto._implicitHeader = function tracekitImplicitHeader(this: TracedRequest) {
    try {
      if (!this[SPAN] && !this.headersSent) {
        const ctx = parentContext();
        const ai = this.method === 'POST' ? aiHttpFor(this, ctx) : undefined;
        if (ai) {
          // The AI span replaces the plain CLIENT span (one span per AI request, docs/ai.md).
          this[SPAN] = ai.call.span;
          const sc = ai.call.span.spanContext();
          this.setHeader('traceparent', formatTraceparent(sc));
          const state = sc.traceState?.serialize();
          if (state) this.setHeader('tracestate', state);
        } else if (ctx) traceNodeRequest(this, ctx);
      }
    } catch {
      // tracing an outbound call must never break it
    }
    return original.call(this);
  };
}

function traceNodeRequest(req: TracedRequest, ctx: Context): void {
  let url: URL | undefined;
  try {
    const host = req.getHeader('host');
    url = new URL(`${req.protocol ?? 'http:'}//${typeof host === 'string' ? host : (req.host ?? 'localhost')}${req.path}`);
  } catch {
    url = undefined;
  }
  const span = startClientSpan(ctx, req.method, url);
  if (!span) return;
  req[SPAN] = span;
  const sc = span.spanContext();
  req.setHeader('traceparent', formatTraceparent(sc));
  const state = sc.traceState?.serialize();
  if (state) req.setHeader('tracestate', state);
  // Watch the request's own events without adding listeners: a listener for 'error' would stop
  // an unhandled request error from crashing the process, which is the app's behaviour to keep.
  const emit = req.emit;
  let done = false;
  req.emit = function (this: TracedRequest, event: string | symbol, ...args: unknown[]) {
    if (!done) {
      if (event === 'response') {
        const res = args[0] as http.IncomingMessage;
        done = true;
        const end = () => finish(span, res.statusCode);
        res.once('end', end);
        res.once('close', end);
      } else if (event === 'error') {
        done = true;
        finish(span, undefined, args[0]);
      } else if (event === 'close') {
        done = true;
        finish(span, undefined, new Error('the connection closed before a response arrived'));
      }
    }
    return emit.call(this, event, ...args);
  } as typeof req.emit;
}

interface UndiciRequest {
  method: string;
  origin: string | URL;
  path: string;
  addHeader(name: string, value: string): void;
}

/** `fetch` (Node's bundled undici) reports requests on diagnostics channels early enough to add headers. */
function instrumentFetch(): void {
  // A plain CLIENT span, or an AI call whose span replaces it (one span per AI request, docs/ai.md).
  const spans = new WeakMap<object, Span | AIWireCall>();
  dc.subscribe('undici:request:create', (message) => {
    try {
      const { request } = message as { request: UndiciRequest };
      const ctx = parentContext();
      if (request.method === 'POST') {
        const entry = aiFetchFor(request as unknown as UndiciRequestLike, ctx);
        if (entry) {
          spans.set(request, entry);
          const sc = entry.call.span.spanContext();
          request.addHeader('traceparent', formatTraceparent(sc));
          const state = sc.traceState?.serialize();
          if (state) request.addHeader('tracestate', state);
          return;
        }
      }
      if (!ctx) return;
      let url: URL | undefined;
      try {
        url = new URL(request.path, request.origin);
      } catch {
        url = undefined;
      }
      const span = startClientSpan(ctx, request.method, url);
      if (!span) return;
      spans.set(request, span);
      const sc = span.spanContext();
      request.addHeader('traceparent', formatTraceparent(sc));
      const state = sc.traceState?.serialize();
      if (state) request.addHeader('tracestate', state);
    } catch {
      // never break the call
    }
  });
  dc.subscribe('undici:request:headers', (message) => {
    const { request, response } = message as { request: object; response: { statusCode: number; headers: unknown } };
    const span = spans.get(request);
    if (!span) return;
    if (span instanceof AIWireCall) span.headers(response);
    else span.setAttribute('http.response.status_code', response.statusCode);
  });
  dc.subscribe('undici:request:trailers', (message) => {
    const { request } = message as { request: object };
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    if (span instanceof AIWireCall) return span.complete();
    const status = (span as { attributes?: Record<string, unknown> }).attributes?.['http.response.status_code'];
    finish(span, typeof status === 'number' ? status : undefined);
  });
  dc.subscribe('undici:request:error', (message) => {
    const { request, error } = message as { request: object; error: unknown };
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    if (span instanceof AIWireCall) return span.error(error);
    finish(span, undefined, error);
  });
}

/**
 * CLIENT spans for outbound HTTP (`http`, `https`, `fetch`) made inside a traced request or
 * span, carrying `traceparent` to the next service. Installed once per process by `init()`.
 */
export function instrumentOutbound(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;
  instrumentNodeHttp();
  instrumentFetch();
}
