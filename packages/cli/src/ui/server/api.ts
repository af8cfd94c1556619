import type { ServerResponse } from 'node:http';
import type { LogDto } from '../api-types.js';
import { aiCalls } from './ai-calls.js';
import { SNAPSHOT_EVENT } from './event-names.js';
import { functionCalls, type FunctionRecords } from './function-calls.js';
import { codeInventory } from './inventory.js';
import { latestMetrics } from './latest-metrics.js';
import { routeStats } from './route-stats.js';
import { searchTraces } from './search.js';
import { readBreakpoints } from './breakpoints-file.js';
import { readSourceSnippet, SourceError } from './source-file.js';
import type { TelemetryStore } from './store.js';
import { parseTraceQuery, queryTraces } from './trace-query.js';

/** What the API reads. */
export interface ApiContext {
  store: TelemetryStore;
  /** The store folder (for `breakpoints.json`). */
  dir: string;
  functionRecords: FunctionRecords;
  /** The project root: source files are read only below it. */
  root: string;
  version: string;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const WINDOWS: Record<string, number> = { '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000, '7d': 604_800_000 };

function newest<T extends { time: number }>(list: readonly T[], limit: number): T[] {
  return list.slice(-limit).reverse();
}

/**
 * The JSON API under `/api/`, one handler per resource; answers 404 for anything else. All
 * `GET`; the only writes are the edits of the breakpoints file (`breakpoints-edit.ts`).
 */
export async function handleApi(ctx: ApiContext, url: URL, res: ServerResponse): Promise<void> {
  const { store } = ctx;
  const parts = url.pathname.split('/').slice(2).map(decodeURIComponent);
  const p = url.searchParams;
  switch (parts[0]) {
    case 'stats':
      return sendJson(res, 200, store.stats(ctx.version));
    case 'facets': {
      const methods = new Set<string>();
      for (const t of store.traces.values()) {
        const m = t.root?.attributes['http.request.method'];
        if (typeof m === 'string') methods.add(m);
      }
      return sendJson(res, 200, { services: [...store.byService.keys()].sort(), routes: [...store.byRoute.keys()].sort(), methods: [...methods].sort() });
    }
    case 'traces': {
      if (parts[1] === undefined) return sendJson(res, 200, queryTraces(store, parseTraceQuery(p)));
      const trace = store.traces.get(parts[1].toLowerCase());
      if (!trace) return sendJson(res, 404, { error: 'no such trace (it may have been evicted)' });
      const spans = [...trace.spans.values()].sort((a, b) => a.start - b.start);
      const logs: LogDto[] = store.logs.filter((l) => l.traceId === trace.traceId).slice(-1000);
      return sendJson(res, 200, { summary: trace.summary(), spans, logs });
    }
    case 'search':
      return sendJson(res, 200, { traceIds: searchTraces(store, p.get('q') ?? '') });
    case 'errors': {
      const held = (id: string) => store.traces.has(id);
      if (parts[1] === undefined) return sendJson(res, 200, store.errors.list(held));
      const group = store.errors.get(parts[1], held);
      return group ? sendJson(res, 200, group) : sendJson(res, 404, { error: 'no such error group' });
    }
    case 'routes': {
      const window = WINDOWS[p.get('window') ?? '1h'] ?? (p.get('window') === 'all' ? Number.POSITIVE_INFINITY : 3_600_000);
      return sendJson(res, 200, routeStats(store, window));
    }
    case 'inventory':
      return sendJson(res, 200, codeInventory(store));
    case 'snapshots':
      return sendJson(res, 200, newest(store.logs.filter((l) => l.eventName === SNAPSHOT_EVENT), 500));
    case 'metrics':
      return sendJson(res, 200, latestMetrics(store));
    case 'breakpoints':
      return sendJson(res, 200, await readBreakpoints(ctx.dir));
    case 'ai':
      return sendJson(res, 200, aiCalls(store));
    case 'functions':
      return sendJson(res, 200, functionCalls(store, ctx.functionRecords));
    case 'logs': {
      const traceId = p.get('traceId');
      return sendJson(res, 200, newest(traceId ? store.logs.filter((l) => l.traceId === traceId) : store.logs, 1000));
    }
    case 'source':
      try {
        return sendJson(res, 200, await readSourceSnippet(ctx.root, p.get('file') ?? '', Number(p.get('line') ?? 1)));
      } catch (err) {
        if (err instanceof SourceError) return sendJson(res, err.status, { error: err.message });
        return sendJson(res, 404, { error: 'cannot read that file' });
      }
    default:
      return sendJson(res, 404, { error: 'no such API' });
  }
}
