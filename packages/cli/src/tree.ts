import type { StoredSpan } from './read-store.js';

/** Options of {@link renderTraces}. */
export interface RenderOptions {
  /** Colour with ANSI escapes. Default false. */
  color?: boolean;
  /** Only traces whose root started at or after this time (epoch ms). */
  since?: number;
}

const KIND = ['', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

const ms = (ns: bigint) => Number(ns) / 1e6;
const duration = (s: StoredSpan) => `${ms(s.end - s.start).toFixed(2)} ms`;

/**
 * Renders spans as one tree per trace, in start order: a SERVER span becomes an HTTP_REQUEST
 * line, its children indented under it, and an HTTP_RESPONSE line with status and duration.
 */
export function renderTraces(spans: StoredSpan[], options: RenderOptions = {}): string {
  const paint = (code: string, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const byTrace = new Map<string, StoredSpan[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId) ?? [];
    list.push(s);
    byTrace.set(s.traceId, list);
  }
  const traces = [...byTrace.values()]
    .map((list) => list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0)))
    .filter((list) => options.since === undefined || ms(list[0]!.start) >= options.since)
    .sort((a, b) => (a[0]!.start < b[0]!.start ? -1 : 1));
  const lines: string[] = [];
  for (const list of traces) {
    const ids = new Set(list.map((s) => s.spanId));
    const children = new Map<string, StoredSpan[]>();
    const roots: StoredSpan[] = [];
    for (const s of list) {
      if (s.parentSpanId && ids.has(s.parentSpanId)) {
        const c = children.get(s.parentSpanId) ?? [];
        c.push(s);
        children.set(s.parentSpanId, c);
      } else roots.push(s);
    }
    lines.push(paint('1', `trace ${list[0]!.traceId}`) + paint('2', `  (${list.length} span${list.length === 1 ? '' : 's'}, ${list[0]!.service})`));
    const walk = (s: StoredSpan, depth: number) => {
      const pad = '  '.repeat(depth + 1);
      const failed = s.status.code === 2;
      if (s.kind === 2) {
        const a = s.attributes;
        const target = `${String(a['url.path'] ?? '')}${a['url.query'] ? `?${String(a['url.query'])}` : ''}`;
        lines.push(`${pad}${paint('36', '→ HTTP_REQUEST')} ${String(a['http.request.method'] ?? '')} ${target}${a['http.route'] ? paint('2', `  route ${String(a['http.route'])}`) : ''}${a['tracekit.request_id'] ? paint('2', `  request ${String(a['tracekit.request_id'])}`) : ''}`);
        for (const e of s.events.filter((ev) => ev.name === 'exception')) {
          lines.push(`${pad}  ${paint('31', `✗ EXCEPTION ${String(e.attributes['exception.type'])}: ${String(e.attributes['exception.message'])}`)}`);
        }
        for (const c of children.get(s.spanId) ?? []) walk(c, depth + 1);
        const status = a['http.response.status_code'];
        lines.push(`${pad}${paint(failed ? '31' : '32', `← HTTP_RESPONSE ${String(status ?? '')}`)} ${duration(s)}${failed ? paint('31', '  ERROR') : ''}`);
        return;
      }
      const label = s.kind === 3 ? `${s.name} ${String(s.attributes['url.full'] ?? '')} → ${String(s.attributes['http.response.status_code'] ?? '')}` : s.name;
      lines.push(`${pad}${paint('2', `· ${KIND[s.kind] ?? ''}`)} ${label}  ${duration(s)}${failed ? paint('31', '  ERROR') : ''}`);
      for (const c of children.get(s.spanId) ?? []) walk(c, depth + 1);
    };
    for (const r of roots) walk(r, 0);
    lines.push('');
  }
  return lines.join('\n');
}
