import { context, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import type { TracekitClient } from '../client.js';
import { runningClient as getClient } from '../current-client.js';
import { isTracingSuppressed } from '../context/context.js';
import { AICall } from './ai-call.js';
import { TK_AI } from './attributes.js';
import { detectAIRequest, mightBeAIPath, type AIRequestShape } from './detect.js';
import { obj } from './json-util.js';
import { readRequestBody, RequestBodyCollector } from './request-body.js';
import { sdkCallOf } from './sdk-marker.js';
import { readRequestParameters } from './span-builder.js';
import { newFacts } from './types.js';
import { AIWireCall } from './wire-call.js';

/** The parts of undici's internal request object used here (Node 20's undici 6 to Node 24's undici 7). */
export interface UndiciRequestLike {
  method: string;
  origin: string | URL;
  path: string;
  headers: unknown;
  body: unknown;
  onData?: (chunk: Uint8Array) => unknown;
}

/** Reads a request header from undici's flat `[name, value, ...]` array (or its older raw string). */
function undiciHeader(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const k = headers[i];
      if (typeof k === 'string' && k.length === name.length && k.toLowerCase() === name) return String(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof headers === 'string') {
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
    }
  }
  return undefined;
}

function tapRequestBody(request: UndiciRequestLike, call: AICall): void {
  const body = request.body;
  if (body === null || body === undefined) return;
  if (typeof body === 'string') return readRequestBody(body, call);
  if (body instanceof Uint8Array) return readRequestBody(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), call);
  // fetch hands undici an async generator over the body; undici's writer iterates it with
  // for await, which calls the generator's own next(). Shadowing next() on this one object sees
  // each chunk as it is written, with no extra generator or buffering in between.
  const gen = body as { next?: (...args: unknown[]) => Promise<IteratorResult<unknown>>; [Symbol.asyncIterator]?: unknown };
  if (typeof gen.next !== 'function' || typeof gen[Symbol.asyncIterator] !== 'function') return;
  const next = gen.next;
  const collector = new RequestBodyCollector(call);
  const seen = (r: IteratorResult<unknown>) => {
    try {
      if (r.done) collector.done();
      else collector.add(r.value);
    } catch {
      // never break the request
    }
    return r;
  };
  gen.next = function tracekitNext(this: unknown, ...args: unknown[]) {
    const p = next.apply(this, args);
    return p && typeof (p as Promise<unknown>).then === 'function' ? p.then(seen) : p;
  };
}

function tapResponseData(request: UndiciRequestLike, entry: AIWireCall): void {
  const original = request.onData;
  if (typeof original !== 'function') return;
  request.onData = function tracekitOnData(this: unknown, chunk: Uint8Array) {
    try {
      entry.data(chunk);
    } catch {
      // observing must never change what the app receives
    }
    return original.call(this, chunk);
  };
}

/**
 * Starts an AI span for a `fetch` request when its shape is an AI call (`undici:request:create`),
 * as a child of the active span, or as a root span outside any trace (scripts, queue workers).
 * Returns `undefined` for anything else, after a method check (non-POST) or a few `endsWith`.
 */
export function startAIFetch(client: TracekitClient, request: UndiciRequestLike, parent: Context | undefined): AIWireCall | undefined {
  const ai = client.config.ai;
  if (!ai.enabled) return undefined;
  const origin = typeof request.origin === 'string' ? request.origin : request.origin.origin;
  const shape: AIRequestShape | undefined = detectAIRequest(request.method, origin, request.path, (n) => undiciHeader(request.headers, n), ai.providers);
  if (!shape) return undefined;
  const ctx = parent ?? ROOT_CONTEXT;
  const facts = newFacts(shape.api, shape.operation, shape.provider);
  if (shape.model) facts.requestModel = shape.model;
  if (shape.stream !== undefined) facts.stream = shape.stream;
  const sdk = sdkCallOf(ctx);
  const params = obj(sdk?.params);
  if (params) readRequestParameters(facts, params);
  const call = new AICall(client, facts, ctx, shape.host, shape.port);
  if (sdk) {
    call.span.setAttribute(TK_AI.source, `${sdk.sdk}.${sdk.method}`);
    if (params && call.rt.config.captureContent) call.details.requestBody = params;
  }
  const resend = Number(undiciHeader(request.headers, 'x-stainless-retry-count'));
  if (resend > 0) call.span.setAttribute('http.request.resend_count', resend);
  const entry = new AIWireCall(call);
  if (!params) tapRequestBody(request, call);
  tapResponseData(request, entry);
  return entry;
}

/**
 * The hook `http/outbound.ts` calls for every `fetch` POST: an AI span when the request is an AI
 * call made while tracing is on and not suppressed (inside a trace or not), else `undefined`.
 * Never throws.
 */
export function aiFetchFor(request: UndiciRequestLike, traced: Context | undefined): AIWireCall | undefined {
  try {
    const client = getClient();
    if (!client || !client.config.enabled || !client.config.ai.enabled || !mightBeAIPath(request.path, client.config.ai.providers)) return undefined;
    let ctx = traced;
    if (!ctx) {
      ctx = context.active();
      if (isTracingSuppressed(ctx)) return undefined;
    }
    return startAIFetch(client, request, ctx);
  } catch {
    return undefined;
  }
}
