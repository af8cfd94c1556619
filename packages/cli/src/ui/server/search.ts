import type { TelemetryStore } from './store.js';

const TRACEPARENT = /\b[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}\b/i;
const HEX32 = /\b[0-9a-f]{32}\b/gi;
const TOKEN_SPLIT = /[\s"'`,;=:{}[\]()<>|]+/;

/**
 * The traces a search box text points at: a trace ID, a `traceparent` header, a request ID, or a
 * whole log line containing any of them (JSON or plain text). Returns trace IDs held in the store,
 * most specific first: a traceparent's trace, then 32-hex tokens, then request IDs.
 */
export function searchTraces(store: TelemetryStore, text: string): string[] {
  const found: string[] = [];
  const add = (id: string | undefined) => {
    if (id && store.traces.has(id) && !found.includes(id)) found.push(id);
  };
  const input = text.slice(0, 10_000);
  const tp = TRACEPARENT.exec(input);
  if (tp) add(tp[1]!.toLowerCase());
  for (const m of input.matchAll(HEX32)) add(m[0].toLowerCase());
  const whole = input.trim();
  add(store.byRequestId.get(whole));
  for (const token of input.split(TOKEN_SPLIT)) {
    if (token.length === 0 || token.length > 200) continue;
    add(store.byRequestId.get(token));
  }
  return found;
}
