import type { ServerResponse } from 'node:http';

/** The attributes a captured body is recorded in (redacted, JSON-aware, before export). */
export const BODY_ATTRIBUTES = { request: 'tracekit.request.body', response: 'tracekit.response.body' } as const;

/**
 * Bytes captured beyond `maxBytes`: redaction runs before the body is cut to `maxBytes`, so a
 * secret that straddles the cut is still recognised whole and never leaks a prefix.
 */
export const BODY_MARGIN = 512;

/** `captureBody` as resolved: which bodies, and how many bytes of each are kept. */
export interface BodyCaptureConfig {
  request: boolean;
  response: boolean;
  /** Default 4096. */
  maxBytes: number;
}

const TEXTUAL = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|x-www-form-urlencoded|graphql|javascript|x-ndjson)\b)/i;

/** True for content types worth capturing as text (JSON, text, forms, XML, GraphQL); unknown counts as text. */
export function isTextualContentType(contentType: unknown): boolean {
  if (contentType === undefined || contentType === null || contentType === '') return true;
  return typeof contentType === 'string' && TEXTUAL.test(contentType.trim());
}

/**
 * A body as text, at most `limit` bytes of it: a string, a Buffer or typed array, an
 * ArrayBuffer, or a value a framework parsed (serialised as JSON). Undefined for anything else
 * (streams, empty bodies). Never throws.
 */
export function bodyText(body: unknown, limit: number): string | undefined {
  try {
    if (body === undefined || body === null) return undefined;
    let text: string;
    if (typeof body === 'string') text = body;
    else if (body instanceof Uint8Array) text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, limit)).toString('utf8');
    else if (body instanceof ArrayBuffer) text = Buffer.from(body, 0, Math.min(body.byteLength, limit)).toString('utf8');
    else if (typeof body === 'object') {
      // A stream is not ours to read; `{}` and `[]` are what parsers leave for an empty body.
      if (typeof (body as { pipe?: unknown }).pipe === 'function' || Object.keys(body).length === 0) return undefined;
      text = JSON.stringify(body) ?? '';
    } else if (typeof body === 'number' || typeof body === 'boolean') text = String(body);
    else return undefined;
    if (text === '') return undefined;
    return Buffer.byteLength(text) > limit ? Buffer.from(text).subarray(0, limit).toString('utf8') : text;
  } catch {
    return undefined;
  }
}

/**
 * Captures what a Node response writes, up to `limit` bytes, by wrapping this response's own
 * `write` and `end` (never the prototype). The originals always run with the same arguments
 * and their results are returned unchanged. Returns a reader for the captured text.
 */
export function teeNodeResponse(res: ServerResponse, limit: number): () => string | undefined {
  const chunks: Buffer[] = [];
  let size = 0;
  const keep = (chunk: unknown, encoding: unknown) => {
    try {
      if (size >= limit || chunk === undefined || chunk === null || typeof chunk === 'function') return;
      let buf: Uint8Array;
      if (typeof chunk === 'string') buf = Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
      else if (chunk instanceof Uint8Array) buf = chunk;
      else return;
      // Copied: the app may reuse its buffer after write() returns.
      const part = Buffer.from(buf.subarray(0, limit - size));
      chunks.push(part);
      size += part.length;
    } catch {
      // capture is best effort; the response is what matters
    }
  };
  const write = res.write;
  const end = res.end;
  res.write = function tracekitWrite(this: ServerResponse, ...args: unknown[]) {
    keep(args[0], args[1]);
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as ServerResponse['write'];
  res.end = function tracekitEnd(this: ServerResponse, ...args: unknown[]) {
    keep(args[0], args[1]);
    return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['end'];
  return () => (size === 0 ? undefined : Buffer.concat(chunks).toString('utf8'));
}

/** The part of a request scope that body capture uses. */
export interface BodyCaptureScope {
  readonly bodyCapture: BodyCaptureConfig | undefined;
  captureBody(which: 'request' | 'response', body: unknown, contentType?: unknown): void;
}

/**
 * For adapters over Node's `ServerResponse` (Express, Fastify, Koa, NestJS): when `captureBody`
 * is on and the request is recorded, starts capturing the response body, and returns the
 * function to call just before the scope ends, with the request body the framework parsed (for
 * Express, `req.body`). Returns undefined when there is nothing to capture.
 *
 * @example
 * const finishBodies = captureNodeBodies(scope, res);
 * endWithNodeResponse(runtime, scope, res, () => finishBodies?.(req.body, req.headers['content-type']));
 */
export function captureNodeBodies(scope: BodyCaptureScope, res: ServerResponse): ((requestBody: unknown, requestContentType: unknown) => void) | undefined {
  const config = scope.bodyCapture;
  if (!config) return undefined;
  const read = config.response ? teeNodeResponse(res, config.maxBytes + BODY_MARGIN) : undefined;
  return (requestBody, requestContentType) => {
    if (config.request) scope.captureBody('request', requestBody, requestContentType);
    if (read) {
      const encoding = res.getHeader('content-encoding');
      // A compressed body is not text; it is not recorded.
      if (encoding === undefined || encoding === 'identity') scope.captureBody('response', read(), res.getHeader('content-type'));
    }
  };
}
