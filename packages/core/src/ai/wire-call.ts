import type { AICall } from './ai-call.js';
import { createReader } from './readers.js';
import { ResponseBodyObserver } from './response-body.js';

/** Reads a response header from undici's `[Buffer, Buffer, ...]` raw headers. */
function rawHeader(headers: unknown, name: string): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const k = headers[i] as Buffer | string;
    if (k.length === name.length && k.toString().toLowerCase() === name) return String(headers[i + 1]);
  }
  return undefined;
}

/**
 * The wire side of one AI request (`fetch` or `http`): the response's status and headers, its
 * body bytes read as they pass (compressed or not, never touching the stream the app reads),
 * and its end, error or abort, which ends the call's span once.
 */
export class AIWireCall {
  readonly ai = true;
  private body: ResponseBodyObserver | undefined;
  private finished = false;

  constructor(readonly call: AICall) {}

  /** `undici:request:headers`. */
  headers(response: { statusCode: number; headers: unknown }): void {
    const d = this.call.details;
    d.statusCode = response.statusCode;
    const retryAfter = response.statusCode === 429 || response.statusCode === 503 ? rawHeader(response.headers, 'retry-after') : undefined;
    if (retryAfter) d.retryAfter = retryAfter;
    const contentType = rawHeader(response.headers, 'content-type');
    if (contentType?.includes('text/event-stream')) this.call.facts.stream ??= true;
    const opts = { capture: this.call.rt.config.captureContent, limit: this.call.rt.config.maxContentLength };
    this.body = new ResponseBodyObserver(
      createReader(this.call.facts, opts),
      { firstChunk: () => this.call.firstChunk(), truncated: () => void (d.truncated = true) },
      contentType,
      rawHeader(response.headers, 'content-encoding'),
    );
  }

  /** A response body chunk, as undici hands it to fetch. */
  data(chunk: Uint8Array): void {
    if (!this.finished) this.body?.chunk(chunk);
  }

  /** `undici:request:trailers`: the body is complete. */
  complete(): void {
    this.finish();
  }

  /** `undici:request:error`: network failure, abort (the consumer's `break` or `abort()`), or a body cut midway. */
  error(err: unknown): void {
    const name = (err as { name?: unknown } | null)?.name;
    if (name === 'AbortError') this.call.details.aborted = true;
    else this.call.fail(err);
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.body) this.body.finish(() => this.call.end());
    else this.call.end();
  }
}

