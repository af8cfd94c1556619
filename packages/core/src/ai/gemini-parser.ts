import { appendBounded, num, obj, parseJson, str } from './json-util.js';
import { addFinishReason, type ReaderOptions, type ResponseReader } from './reader.js';
import type { AICallFacts } from './types.js';

/** Gemini's `usageMetadata`: the prompt count includes cached tokens; thoughts are billed as output. */
function readUsage(facts: AICallFacts, usage: unknown): void {
  const u = obj(usage);
  if (!u) return;
  const input = num(u.promptTokenCount);
  if (input !== undefined) facts.usage.input = input;
  const candidates = num(u.candidatesTokenCount);
  const thoughts = num(u.thoughtsTokenCount);
  if (candidates !== undefined || thoughts !== undefined) facts.usage.output = (candidates ?? 0) + (thoughts ?? 0);
  if (thoughts !== undefined) facts.usage.reasoning = thoughts;
  const cached = num(u.cachedContentTokenCount);
  if (cached !== undefined) facts.usage.cacheRead = cached;
}

function readChunk(facts: AICallFacts, b: Record<string, unknown>, opts: ReaderOptions): void {
  const e = obj(b.error);
  if (e) {
    facts.errorType = str(e.status) ?? (typeof e.code === 'number' ? String(e.code) : 'error');
    facts.errorMessage = str(e.message);
    return;
  }
  facts.responseId = str(b.responseId) ?? facts.responseId;
  facts.responseModel = str(b.modelVersion) ?? facts.responseModel;
  readUsage(facts, b.usageMetadata);
  if (!Array.isArray(b.candidates)) return;
  for (const cand of b.candidates) {
    const c = obj(cand);
    if (!c) continue;
    addFinishReason(facts, c.finishReason);
    const parts = obj(c.content)?.parts;
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      const p = obj(part);
      if (!p) continue;
      const call = obj(p.functionCall);
      if (call) {
        facts.toolCalls++;
        if (opts.capture) (facts.outputToolCalls ??= []).push({ name: str(call.name), arguments: JSON.stringify(call.args ?? {}) });
      } else if (opts.capture) facts.outputText = appendBounded(facts.outputText, str(p.text), opts.limit);
    }
  }
}

/**
 * Google Gemini's `generateContent` / `streamGenerateContent?alt=sse`. Every streamed chunk
 * repeats the cumulative usage, so only chunks with a finish reason, a function call or an
 * error, and the last chunk with usage, are parsed (unless content is captured).
 */
export function createGeminiReader(facts: AICallFacts, opts: ReaderOptions): ResponseReader {
  return {
    json(body) {
      if (Array.isArray(body)) {
        for (const item of body) {
          const b = obj(item);
          if (b) readChunk(facts, b, opts);
        }
        return;
      }
      const b = obj(body);
      if (b) readChunk(facts, b, opts);
    },
    event(_name, data) {
      if (!opts.capture && !data.includes('finishReason') && !data.includes('functionCall') && !data.includes('"error"') && !data.includes('usageMetadata')) return;
      const b = obj(parseJson(data));
      if (b) readChunk(facts, b, opts);
    },
  };
}
