import type { AiCallDto } from '../api-types.js';
import type { TelemetryStore } from './store.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Spans of AI model calls (any `gen_ai.*` attribute, DESIGN.md section 10), newest first, at most `limit`. */
export function aiCalls(store: TelemetryStore, limit = 500): AiCallDto[] {
  const out: AiCallDto[] = [];
  for (const trace of store.traces.values()) {
    for (const s of trace.spans.values()) {
      const a = s.attributes;
      if (a['gen_ai.operation.name'] === undefined && a['gen_ai.request.model'] === undefined && a['gen_ai.provider.name'] === undefined && a['gen_ai.system'] === undefined) continue;
      const call: AiCallDto = {
        traceId: s.traceId, spanId: s.spanId, time: s.start, duration: s.duration,
        operation: str(a['gen_ai.operation.name']), provider: str(a['gen_ai.provider.name'] ?? a['gen_ai.system']),
        model: str(a['gen_ai.response.model'] ?? a['gen_ai.request.model']),
      };
      const opt = { inputTokens: num(a['gen_ai.usage.input_tokens']), outputTokens: num(a['gen_ai.usage.output_tokens']), costUsd: num(a['tracekit.cost.usd']), timeToFirstChunk: num(a['gen_ai.response.time_to_first_chunk']) };
      for (const [k, v] of Object.entries(opt)) if (v !== undefined) (call as unknown as Record<string, unknown>)[k] = v;
      if (a['gen_ai.conversation.id'] !== undefined) call.conversationId = str(a['gen_ai.conversation.id']);
      if (s.status.code === 2 || a['error.type'] !== undefined) call.error = str(a['error.type'] ?? s.status.message ?? 'error');
      out.push(call);
    }
  }
  return out.sort((a, b) => b.time - a.time).slice(0, limit);
}
