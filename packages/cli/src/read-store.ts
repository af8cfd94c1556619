import fs from 'node:fs';

/** A span as read back from an OTLP/JSON store line. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** Epoch nanoseconds, as bigint. */
  start: bigint;
  end: bigint;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  status: { code: number; message?: string };
  service: string;
}

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };

function value(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  return undefined;
}

function attributes(kvs: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) out[kv.key] = value(kv.value);
  return out;
}

/** Parses one JSONL line of the store (an OTLP/JSON ExportTraceServiceRequest) into spans. */
export function parseStoreLine(line: string): StoredSpan[] {
  const out: StoredSpan[] = [];
  const req = JSON.parse(line) as { resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: any[] }> }> };
  for (const rs of req.resourceSpans ?? []) {
    const service = String(attributes(rs.resource?.attributes)['service.name'] ?? 'unknown');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          name: s.name,
          kind: s.kind ?? 1,
          start: BigInt(s.startTimeUnixNano ?? 0),
          end: BigInt(s.endTimeUnixNano ?? 0),
          attributes: attributes(s.attributes),
          events: (s.events ?? []).map((e: { name: string; attributes?: KeyValue[] }) => ({ name: e.name, attributes: attributes(e.attributes) })),
          status: s.status ?? { code: 0 },
          service,
        });
      }
    }
  }
  return out;
}

/** Reads every span of a JSONL store file; malformed lines are skipped and counted. */
export function readStore(file: string): { spans: StoredSpan[]; skipped: number } {
  const spans: StoredSpan[] = [];
  let skipped = 0;
  const text = fs.readFileSync(file, 'utf8');
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      spans.push(...parseStoreLine(line));
    } catch {
      skipped++;
    }
  }
  return { spans, skipped };
}
