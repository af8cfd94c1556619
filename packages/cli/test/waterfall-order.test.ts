import { describe, expect, it } from 'vitest';
import type { SpanDto } from '../src/ui/api-types.js';
import { treeRows } from '../src/ui/web/tree-rows.js';

const span = (spanId: string, parentSpanId: string, start: number): SpanDto => ({
  traceId: 't', spanId, parentSpanId, name: spanId, kind: 1, start, end: start + 1, duration: 1, attributes: {}, events: [], links: [], status: { code: 0 }, service: 's', resource: {}, scope: '',
});

describe('the waterfall order', () => {
  it('puts each span under its parent, siblings by start time, whatever order they arrive in', () => {
    const rows = treeRows([span('c2', 'a', 5), span('b', 'a', 1), span('a', '', 0), span('b1', 'b', 2), span('c1', 'a', 3)]);
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.span.spanId}`)).toEqual(['a', '  b', '    b1', '  c1', '  c2']);
  });

  it('shows spans whose parent is missing as roots, and survives a span that names itself as parent', () => {
    const rows = treeRows([span('x', 'gone', 2), span('a', '', 0), span('self', 'self', 1)]);
    expect(rows.map((r) => [r.span.spanId, r.depth])).toEqual([['a', 0], ['self', 0], ['x', 0]]);
  });

  it('handles a chain 10,000 spans deep without recursion', () => {
    const spans = Array.from({ length: 10_000 }, (_, i) => span(`s${i}`, i === 0 ? '' : `s${i - 1}`, i));
    const rows = treeRows(spans.reverse());
    expect(rows).toHaveLength(10_000);
    expect(rows[9_999]).toMatchObject({ depth: 9_999, span: { spanId: 's9999' } });
  });
});
