import type { AttrValue, SpanDto, TraceSummary } from '../api-types.js';

const str = (v: AttrValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** Rough bytes one span holds in memory: the basis of the store's byte bound. */
export function spanBytes(span: SpanDto): number {
  let n = 400 + span.name.length * 2;
  for (const key in span.attributes) {
    const v = span.attributes[key];
    n += 48 + key.length * 2 + (typeof v === 'string' ? v.length * 2 : 16);
  }
  for (const e of span.events) {
    n += 120;
    for (const key in e.attributes) {
      const v = e.attributes[key];
      n += 48 + (typeof v === 'string' ? v.length * 2 : 16);
    }
  }
  return n + span.links.length * 150;
}

/**
 * One trace in the store: its spans by ID and a summary kept up to date as spans arrive (they come
 * in any order and any number of batches). The summary is taken from the root span: the span
 * without a parent in the trace, preferring a SERVER span.
 */
export class TraceEntry {
  readonly spans = new Map<string, SpanDto>();
  root: SpanDto | undefined;
  start = Infinity;
  end = -Infinity;
  errorCount = 0;
  bytes = 0;
  requestId: string | undefined;
  /** Error fingerprints already counted for this trace (an error recorded on two spans counts once). */
  readonly fingerprints = new Set<string>();
  /** The route the error groups were told about, so a root arriving late still counts its route. */
  routeCounted: string | undefined;

  constructor(readonly traceId: string) {}

  /** Adds a span; false when a span with this ID is already held (the store re-reads its own appends). */
  add(span: SpanDto): boolean {
    if (this.spans.has(span.spanId)) return false;
    this.spans.set(span.spanId, span);
    this.bytes += spanBytes(span);
    if (span.start < this.start) this.start = span.start;
    if (span.end > this.end) this.end = span.end;
    if (span.status.code === 2) this.errorCount++;
    this.requestId ??= str(span.attributes['tracekit.request_id']);
    if (this.isBetterRoot(span)) this.root = span;
    return true;
  }

  private isBetterRoot(span: SpanDto): boolean {
    const cur = this.root;
    if (!cur) return true;
    const curIsRoot = cur.parentSpanId === '' || !this.spans.has(cur.parentSpanId);
    const isRoot = span.parentSpanId === '' || !this.spans.has(span.parentSpanId);
    // The current root may turn out to be a child of the span that just arrived.
    if (!curIsRoot) return isRoot || span.start < cur.start;
    if (!isRoot) return false;
    if ((span.parentSpanId === '') !== (cur.parentSpanId === '')) return span.parentSpanId === '';
    return span.start < cur.start;
  }

  get route(): string | undefined {
    return this.root ? str(this.root.attributes['http.route']) : undefined;
  }

  get service(): string {
    return this.root?.service ?? '';
  }

  /** From the first start to the last end; the root's own (nanosecond-exact) duration when it spans the trace. */
  get duration(): number {
    const d = this.end - this.start;
    return this.root && Math.abs(d - this.root.duration) < 0.001 ? this.root.duration : d;
  }

  summary(): TraceSummary {
    const a = this.root?.attributes ?? {};
    const status = a['http.response.status_code'];
    const s: TraceSummary = {
      traceId: this.traceId,
      name: this.root?.name ?? '',
      service: this.service,
      start: this.start,
      duration: this.duration,
      spanCount: this.spans.size,
      errorCount: this.errorCount,
    };
    const method = str(a['http.request.method']);
    if (method) s.method = method;
    const route = this.route;
    if (route) s.route = route;
    const path = str(a['url.path']);
    if (path) s.path = path;
    if (status !== undefined && status !== null && Number.isFinite(Number(status))) s.statusCode = Number(status);
    if (this.requestId) s.requestId = this.requestId;
    return s;
  }
}
