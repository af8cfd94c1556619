import type { SpanDto } from '../api-types.js';

/** A span in display order, with its depth in the tree. */
export interface Row {
  span: SpanDto;
  depth: number;
}

/**
 * The spans in tree order: each root (no parent in the trace) by start time, each span's children
 * by start time under it. Iterative, so a 10,000-deep chain does not overflow the stack.
 */
export function treeRows(spans: readonly SpanDto[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, SpanDto[]>();
  const roots: SpanDto[] = [];
  for (const s of spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      const list = children.get(s.parentSpanId);
      if (list) list.push(s);
      else children.set(s.parentSpanId, [s]);
    } else roots.push(s);
  }
  const byStart = (a: SpanDto, b: SpanDto) => a.start - b.start;
  const rows: Row[] = [];
  const seen = new Set<string>();
  const stack: Row[] = roots.sort(byStart).reverse().map((span) => ({ span, depth: 0 }));
  while (stack.length > 0) {
    const row = stack.pop()!;
    if (seen.has(row.span.spanId)) continue;
    seen.add(row.span.spanId);
    rows.push(row);
    const kids = children.get(row.span.spanId);
    if (kids) for (const k of kids.sort(byStart).reverse()) stack.push({ span: k, depth: row.depth + 1 });
  }
  return rows;
}
