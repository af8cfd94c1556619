import type http from 'node:http';
import { context, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { runningClient as getClient } from '../current-client.js';
import { isTracingSuppressed } from '../context/context.js';
import { AICall } from './ai-call.js';
import { detectAIRequest, mightBeAIPath } from './detect.js';
import { AIWireCall } from './wire-call.js';
import { RequestBodyCollector } from './request-body.js';
import { newFacts } from './types.js';

type Req = http.ClientRequest & { protocol?: string; host?: string; _send?: (data: unknown, ...rest: unknown[]) => unknown };
type Res = http.IncomingMessage & { push: (chunk: unknown, encoding?: unknown) => boolean };

function header(req: Req, name: string): string | undefined {
  const v = req.getHeader(name);
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(', ') : String(v);
}

function observeResponse(res: Res, entry: AIWireCall): void {
  entry.headers({ statusCode: res.statusCode ?? 0, headers: res.rawHeaders });
  // The HTTP parser hands body chunks to push() and ends with push(null): watched on this one
  // response object, with no 'data' listener (which would switch the app's stream to flowing).
  const push = res.push;
  res.push = function tracekitPush(this: Res, chunk: unknown, encoding?: unknown) {
    try {
      if (chunk === null) entry.complete();
      else if (chunk instanceof Uint8Array) entry.data(chunk);
    } catch {
      // never change what the app reads
    }
    return push.call(this, chunk, encoding);
  };
  const emit = res.emit;
  res.emit = function tracekitEmit(this: Res, event: string | symbol, ...args: unknown[]) {
    try {
      // A connection lost midway is an 'error' (ECONNRESET) before 'close'; a 'close' alone before
      // the end is the app destroying the response: an abort. After push(null) both are no-ops.
      if (event === 'error') entry.error(args[0]);
      else if (event === 'close') entry.error(Object.assign(new Error('the response closed before it ended'), { name: 'AbortError' }));
    } catch {
      // never change what the app sees
    }
    return emit.call(this, event, ...args);
  } as typeof res.emit;
}

/**
 * The `http`/`https` counterpart of `aiFetchFor` (axios, got, node-fetch and other clients built on
 * `http.request`), called by `http/outbound.ts` when a POST's headers are about to be written.
 * The request body is seen through this request's `_send`, the response through its `push`;
 * the app's streams are never read or paused. Returns the entry when the request is an AI call.
 */
export function aiHttpFor(req: Req, traced: Context | undefined): AIWireCall | undefined {
  try {
    const client = getClient();
    if (!client || !client.config.enabled || !client.config.ai.enabled || !mightBeAIPath(req.path, client.config.ai.providers)) return undefined;
    let ctx = traced;
    if (!ctx) {
      ctx = context.active();
      if (isTracingSuppressed(ctx)) return undefined;
    }
    const host = header(req, 'host') ?? req.host ?? 'localhost';
    const origin = `${req.protocol ?? 'http:'}//${host}`;
    const shape = detectAIRequest(req.method, origin, req.path, (n) => header(req, n), client.config.ai.providers);
    if (!shape) return undefined;
    const facts = newFacts(shape.api, shape.operation, shape.provider);
    if (shape.model) facts.requestModel = shape.model;
    if (shape.stream !== undefined) facts.stream = shape.stream;
    const call = new AICall(client, facts, ctx ?? ROOT_CONTEXT, shape.host, shape.port);
    const entry = new AIWireCall(call);
    const collector = new RequestBodyCollector(call);
    const send = req._send;
    if (typeof send === 'function') {
      req._send = function tracekitSend(this: Req, data: unknown, ...rest: unknown[]) {
        try {
          // With chunked encoding, Node sends each chunk's framing through _send too: its size
          // line as a latin1 string, CRLF as a 2-byte buffer, and the final 0-chunk.
          const framing = (this as { chunkedEncoding?: boolean }).chunkedEncoding && (rest[0] === 'latin1' || (data instanceof Uint8Array && data.length === 2 && data[0] === 13 && data[1] === 10));
          if (!framing) collector.add(data);
        } catch {
          // never break the request
        }
        return send.call(this, data, ...rest);
      };
    }
    const emit = req.emit;
    let responded = false;
    req.emit = function tracekitEmit(this: Req, event: string | symbol, ...args: unknown[]) {
      try {
        if (event === 'response' && !responded) {
          responded = true;
          collector.done();
          observeResponse(args[0] as Res, entry);
        } else if (event === 'error') entry.error(args[0]);
        else if (event === 'close' && !responded) entry.error(Object.assign(new Error('the connection closed before a response arrived'), { name: 'AbortError' }));
      } catch {
        // never change what the app sees
      }
      return emit.call(this, event, ...args);
    } as typeof req.emit;
    return entry;
  } catch {
    return undefined;
  }
}
