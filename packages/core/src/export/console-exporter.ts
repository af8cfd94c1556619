import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from './types.js';

/** Requests whose child spans wait for their SERVER span; beyond this the oldest is printed as is. */
const MAX_PENDING_REQUESTS = 1000;
/** Child spans kept per waiting request; later ones print at once. */
const MAX_PENDING_SPANS = 1000;

const ms = (span: ReadableSpan) => `${(span.endTime - span.startTime).toFixed(2)}ms`;

function childLine(span: ReadableSpan, depth: number): string[] {
  const status = span.attributes['http.response.status_code'];
  const kind = span.kind === SpanKind.CLIENT ? 'CLIENT ' : '';
  const failed = span.status.code === SpanStatusCode.ERROR ? ' ERROR' : '';
  const lines = [`${'  '.repeat(depth)}${kind}${span.name}${status !== undefined ? ` ${String(status)}` : ''} ${ms(span)}${failed}`];
  for (const e of span.events ?? []) {
    if (e.name !== 'exception') continue;
    const a = e.attributes ?? {};
    lines.push(`${'  '.repeat(depth + 1)}! ${String(a['exception.type'] ?? 'Error')}: ${String(a['exception.message'] ?? '')}`);
  }
  return lines;
}

/**
 * Development output on stdout: for each request one `HTTP_REQUEST` line, its child spans
 * indented under their parents in start order (with durations, statuses and exceptions), and
 * one `HTTP_RESPONSE` line with the status code and the duration. Child spans end before the
 * request does, so they wait (bounded) until its SERVER span arrives; spans outside a request
 * print on their own line at once.
 *
 * @example
 * HTTP_REQUEST  GET /users/42 request_id=9f1c… trace=4bf92f3577b34da6a3ce929d0e0e4736
 *   db.query 1.02ms
 * HTTP_RESPONSE GET /users/:id 200 12.34ms
 */
export class ConsoleSpanExporter implements SpanExporter {
  // Keyed by the request's SERVER span object (a child reaches it through span.request.span).
  private readonly waiting = new Map<object, ReadableSpan[]>();
  private readonly printed = new WeakSet<object>();

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n')) {}

  export(spans: ReadableSpan[]): Promise<void> {
    this.exportSync(spans);
    return Promise.resolve();
  }

  exportSync(spans: ReadableSpan[]): void {
    const loose: ReadableSpan[] = [];
    for (const span of spans) {
      const request = span.kind === SpanKind.SERVER ? span : span.request?.span;
      if (!request) loose.push(span);
      else if (span === request) this.printRequest(span, this.takeWaiting(request));
      else if (this.printed.has(request)) for (const line of childLine(span, 1)) this.write(`${line} (after the response)`);
      else this.wait(request, span);
    }
    if (loose.length > 0) this.printTree(loose, 0);
  }

  shutdown(): Promise<void> {
    // Requests still open at shutdown: print what they have.
    for (const [request, spans] of this.waiting) {
      this.printed.add(request);
      this.printTree(spans, 0);
    }
    this.waiting.clear();
    return Promise.resolve();
  }

  private wait(request: object, span: ReadableSpan): void {
    let list = this.waiting.get(request);
    if (!list) {
      if (this.waiting.size >= MAX_PENDING_REQUESTS) {
        const [oldest, spans] = this.waiting.entries().next().value as [object, ReadableSpan[]];
        this.waiting.delete(oldest);
        this.printTree(spans, 0);
      }
      list = [];
      this.waiting.set(request, list);
    }
    if (list.length < MAX_PENDING_SPANS) list.push(span);
    else this.printTree([span], 1);
  }

  private takeWaiting(request: object): ReadableSpan[] {
    const list = this.waiting.get(request) ?? [];
    this.waiting.delete(request);
    this.printed.add(request);
    return list;
  }

  private printRequest(server: ReadableSpan, children: ReadableSpan[]): void {
    const a = server.attributes;
    const method = String(a['http.request.method'] ?? server.name.split(' ')[0] ?? '');
    const target = `${String(a['url.path'] ?? '')}${a['url.query'] !== undefined ? `?${String(a['url.query'])}` : ''}`;
    const requestId = server.attributes['tracekit.request_id'];
    this.write(`HTTP_REQUEST  ${method} ${target}${requestId !== undefined ? ` request_id=${String(requestId)}` : ''} trace=${server.traceId}`);
    this.printTree(children, 1, server.spanId);
    for (const e of server.events ?? []) {
      if (e.name !== 'exception') continue;
      const ea = e.attributes ?? {};
      this.write(`  ! ${String(ea['exception.type'] ?? 'Error')}: ${String(ea['exception.message'] ?? '')}`);
    }
    const status = a['http.response.status_code'];
    this.write(`HTTP_RESPONSE ${server.name}${status !== undefined ? ` ${String(status)}` : ''} ${ms(server)}${server.status.code === SpanStatusCode.ERROR ? ' ERROR' : ''}`);
  }

  /** Prints spans as a tree in start order; a span whose parent is not among them starts at `base`. */
  private printTree(spans: ReadableSpan[], base: number, rootId?: string): void {
    const ids = new Set(spans.map((s) => s.spanId));
    const children = new Map<string | undefined, ReadableSpan[]>();
    for (const span of [...spans].sort((x, y) => x.startTime - y.startTime)) {
      const parent = span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : rootId;
      const list = children.get(parent) ?? [];
      list.push(span);
      children.set(parent, list);
    }
    const visit = (parent: string | undefined, depth: number) => {
      for (const span of children.get(parent) ?? []) {
        for (const line of childLine(span, depth)) this.write(line);
        visit(span.spanId, depth + 1);
      }
    };
    visit(rootId, base);
  }
}
