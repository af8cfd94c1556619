import type { AttrValue, TraceListResponse, TraceSummary } from '../api-types.js';
import { searchTraces } from './search.js';
import type { TelemetryStore } from './store.js';
import type { TraceEntry } from './trace-entry.js';

/** One attribute condition: `key=value`, `key!=value` or `key~value` (contains). */
export interface AttrFilter {
  key: string;
  op: '=' | '!=' | '~';
  value: string;
}

/** The trace list's filters, as in the URL's query string. */
export interface TraceQuery {
  service?: string;
  route?: string;
  method?: string;
  /** `2xx`, `3xx`, `4xx` or `5xx`. */
  status?: string;
  /** Only traces with an error span. */
  error?: boolean;
  minMs?: number;
  maxMs?: number;
  attrs: AttrFilter[];
  /** Search box text (see `searchTraces`). */
  q?: string;
  sort: 'start' | 'duration' | 'spans' | 'errors';
  order: 'asc' | 'desc';
  limit: number;
}

const SORTS = new Set(['start', 'duration', 'spans', 'errors']);

/** Parses one `attr` parameter; undefined when it has no operator. */
export function parseAttrFilter(text: string): AttrFilter | undefined {
  const m = /^([^=!~]+?)\s*(!=|=|~)\s*(.*)$/s.exec(text);
  if (!m) return undefined;
  return { key: m[1]!.trim(), op: m[2] as AttrFilter['op'], value: m[3]! };
}

const numberParam = (v: string | null): number | undefined => {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** The query of a trace list request's URL parameters; unknown or invalid values fall back to defaults. */
export function parseTraceQuery(params: URLSearchParams): TraceQuery {
  const sort = params.get('sort') ?? 'start';
  const limit = numberParam(params.get('limit')) ?? 200;
  return {
    service: params.get('service') || undefined,
    route: params.get('route') || undefined,
    method: params.get('method')?.toUpperCase() || undefined,
    status: /^[1-5]xx$/.test(params.get('status') ?? '') ? params.get('status')! : undefined,
    error: params.get('error') === '1' || params.get('error') === 'true',
    minMs: numberParam(params.get('minMs')),
    maxMs: numberParam(params.get('maxMs')),
    attrs: params.getAll('attr').map(parseAttrFilter).filter((f): f is AttrFilter => f !== undefined),
    q: params.get('q')?.trim() || undefined,
    sort: (SORTS.has(sort) ? sort : 'start') as TraceQuery['sort'],
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    limit: Math.max(1, Math.min(1000, Math.floor(limit))),
  };
}

const text = (v: AttrValue | undefined): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function attrMatches(trace: TraceEntry, f: AttrFilter): boolean {
  for (const span of trace.spans.values()) {
    const v = span.attributes[f.key] ?? span.resource[f.key];
    if (v === undefined) continue;
    const t = text(v);
    if (f.op === '=' && t === f.value) return true;
    if (f.op === '~' && t.toLowerCase().includes(f.value.toLowerCase())) return true;
    if (f.op === '!=' && t === f.value) return false;
  }
  // `!=` holds when no span has the value (including traces without the attribute).
  return f.op === '!=';
}

function matches(trace: TraceEntry, q: TraceQuery): boolean {
  if (q.minMs !== undefined && trace.duration < q.minMs) return false;
  if (q.maxMs !== undefined && trace.duration > q.maxMs) return false;
  if (q.error && trace.errorCount === 0) return false;
  const root = trace.root;
  if (q.method && root?.attributes['http.request.method'] !== q.method) return false;
  if (q.status) {
    const code = Number(root?.attributes['http.response.status_code']);
    if (!Number.isFinite(code) || Math.floor(code / 100) !== Number(q.status[0])) return false;
  }
  for (const f of q.attrs) if (!attrMatches(trace, f)) return false;
  return true;
}

const KEYS: Record<TraceQuery['sort'], (t: TraceEntry) => number> = {
  start: (t) => t.start,
  duration: (t) => t.duration,
  spans: (t) => t.spans.size,
  errors: (t) => t.errorCount,
};

/**
 * The traces matching a query, sorted, at most `limit` of them. Candidates come from the
 * narrowest index (search results, route, service) before the other filters run; the top
 * `limit` are kept with a bounded insertion so a list over 100,000 traces never sorts them all.
 */
export function queryTraces(store: TelemetryStore, q: TraceQuery): TraceListResponse {
  let candidates: Iterable<TraceEntry>;
  if (q.q) {
    candidates = searchTraces(store, q.q).map((id) => store.traces.get(id)!);
  } else {
    let ids: Set<string> | undefined;
    if (q.route) ids = store.byRoute.get(q.route) ?? new Set();
    if (q.service) {
      const byService = store.byService.get(q.service) ?? new Set<string>();
      ids = ids ? new Set([...ids].filter((id) => byService.has(id))) : byService;
    }
    candidates = ids ? [...ids].map((id) => store.traces.get(id)!).filter(Boolean) : store.traces.values();
  }
  const key = KEYS[q.sort];
  const sign = q.order === 'asc' ? -1 : 1;
  // `top` holds the best `limit` entries, best first, by sign * key.
  const top: Array<{ k: number; t: TraceEntry }> = [];
  let total = 0;
  for (const trace of candidates) {
    if (q.q && q.route && trace.route !== q.route) continue;
    if (q.q && q.service && trace.service !== q.service) continue;
    if (!matches(trace, q)) continue;
    total++;
    const k = sign * key(trace);
    if (top.length === q.limit && k <= top[top.length - 1]!.k) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (top[mid]!.k >= k) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, { k, t: trace });
    if (top.length > q.limit) top.pop();
  }
  const traces: TraceSummary[] = top.map((e) => e.t.summary());
  return { traces, total, held: store.traces.size };
}
