import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '../../../src/export/types.js';

/** The AI spans among exported spans. */
export function aiSpans(spans: readonly ReadableSpan[]): ReadableSpan[] {
  return spans.filter((s) => s.attributes['gen_ai.operation.name'] !== undefined);
}

/**
 * The exported spans once an AI span is among them (or after about 2 s): the span ends when
 * TraceKit has seen the response body end, which can come a moment after the SDK handed the app
 * its (decompressed, or 50 MB) result on a loaded machine.
 */
export async function spansWithAI(t: { spans(): Promise<ReadableSpan[]> }): Promise<ReadableSpan[]> {
  let spans = await t.spans();
  for (let i = 0; i < 100 && aiSpans(spans).length === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    spans = await t.spans();
  }
  return spans;
}

/** Plain CLIENT spans of outbound HTTP to a base URL (there must be none for AI requests). */
export function plainClientSpans(spans: readonly ReadableSpan[], base: string): ReadableSpan[] {
  return spans.filter((s) => s.kind === SpanKind.CLIENT && typeof s.attributes['url.full'] === 'string' && (s.attributes['url.full'] as string).startsWith(base));
}
