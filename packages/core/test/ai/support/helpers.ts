import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '../../../src/export/types.js';

/** The AI spans among exported spans. */
export function aiSpans(spans: readonly ReadableSpan[]): ReadableSpan[] {
  return spans.filter((s) => s.attributes['gen_ai.operation.name'] !== undefined);
}

/** Plain CLIENT spans of outbound HTTP to a base URL (there must be none for AI requests). */
export function plainClientSpans(spans: readonly ReadableSpan[], base: string): ReadableSpan[] {
  return spans.filter((s) => s.kind === SpanKind.CLIENT && typeof s.attributes['url.full'] === 'string' && (s.attributes['url.full'] as string).startsWith(base));
}
