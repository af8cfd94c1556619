import { appendBounded, num, obj, parseJson, str } from './json-util.js';
import { addFinishReason, type ReaderOptions, type ResponseReader } from './reader.js';
import type { AICallFacts } from './types.js';

/**
 * Anthropic reports `input_tokens` WITHOUT the tokens read from or written to the prompt cache;
 * the conventions' `gen_ai.usage.input_tokens` includes them. So input = input_tokens +
 * cache_read_input_tokens + cache_creation_input_tokens (the cache parts are also reported on
 * their own). A later usage object (`message_delta`) replaces the fields it carries.
 */
export function readAnthropicUsage(facts: AICallFacts, usage: unknown, raw: { input?: number }): void {
  const u = obj(usage);
  if (!u) return;
  const input = num(u.input_tokens);
  if (input !== undefined) raw.input = input;
  const read = num(u.cache_read_input_tokens);
  const write = num(u.cache_creation_input_tokens);
  if (read !== undefined) facts.usage.cacheRead = read;
  if (write !== undefined) facts.usage.cacheWrite = write;
  if (raw.input !== undefined) facts.usage.input = raw.input + (facts.usage.cacheRead ?? 0) + (facts.usage.cacheWrite ?? 0);
  const output = num(u.output_tokens);
  if (output !== undefined) facts.usage.output = output;
}

function readError(facts: AICallFacts, body: Record<string, unknown>): boolean {
  if (body.type !== 'error' && body.error === undefined) return false;
  const e = obj(body.error);
  facts.errorType = str(e?.type) ?? 'error';
  facts.errorMessage = str(e?.message);
  return true;
}

function readContent(facts: AICallFacts, content: unknown, opts: ReaderOptions): void {
  if (!Array.isArray(content)) return;
  for (const block of content) {
    const b = obj(block);
    if (!b) continue;
    if (b.type === 'tool_use' || b.type === 'server_tool_use') {
      facts.toolCalls++;
      if (opts.capture) (facts.outputToolCalls ??= []).push({ name: str(b.name), arguments: b.input === undefined ? '' : JSON.stringify(b.input) });
    } else if (b.type === 'text' && opts.capture) facts.outputText = appendBounded(facts.outputText, str(b.text), opts.limit);
  }
}

/**
 * Anthropic's Messages API, JSON and streamed. On a stream `message_start` (id, model, input
 * usage), `message_delta` (stop reason, final usage), tool-use block starts and `error` events
 * are parsed; text deltas and pings are skipped unless content is captured.
 */
export function createAnthropicReader(facts: AICallFacts, opts: ReaderOptions): ResponseReader {
  const raw: { input?: number } = {};
  return {
    json(body) {
      const b = obj(body);
      if (!b || readError(facts, b)) return;
      facts.responseId = str(b.id) ?? facts.responseId;
      facts.responseModel = str(b.model) ?? facts.responseModel;
      addFinishReason(facts, b.stop_reason);
      readAnthropicUsage(facts, b.usage, raw);
      readContent(facts, b.content, opts);
    },
    event(name, data) {
      switch (name) {
        case 'message_start': {
          const m = obj(obj(parseJson(data))?.message);
          if (!m) return;
          facts.responseId = str(m.id) ?? facts.responseId;
          facts.responseModel = str(m.model) ?? facts.responseModel;
          readAnthropicUsage(facts, m.usage, raw);
          return;
        }
        case 'message_delta': {
          const b = obj(parseJson(data));
          if (!b) return;
          addFinishReason(facts, obj(b.delta)?.stop_reason);
          readAnthropicUsage(facts, b.usage, raw);
          return;
        }
        case 'content_block_start': {
          if (!opts.capture && !data.includes('tool_use')) return;
          const block = obj(parseJson(data))?.content_block;
          readContent(facts, [block], opts);
          return;
        }
        case 'content_block_delta': {
          if (!opts.capture) return;
          const d = obj(obj(parseJson(data))?.delta);
          if (!d) return;
          if (d.type === 'text_delta') facts.outputText = appendBounded(facts.outputText, str(d.text), opts.limit);
          else if (d.type === 'input_json_delta' && facts.outputToolCalls && facts.outputToolCalls.length > 0) {
            const last = facts.outputToolCalls[facts.outputToolCalls.length - 1]!;
            last.arguments = appendBounded(last.arguments, str(d.partial_json), opts.limit);
          }
          return;
        }
        case 'error': {
          const b = obj(parseJson(data));
          if (!b || !readError(facts, b)) facts.errorType ??= 'error';
          return;
        }
        default:
          return;
      }
    },
  };
}
