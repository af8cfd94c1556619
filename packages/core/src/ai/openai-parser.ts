import { appendBounded, num, obj, parseJson, str } from './json-util.js';
import { addFinishReason, type ReaderOptions, type ResponseReader } from './reader.js';
import type { AICallFacts } from './types.js';

/** OpenAI usage objects: chat completions (`prompt_tokens`) and Responses (`input_tokens`) alike. */
export function readOpenAIUsage(facts: AICallFacts, usage: unknown): void {
  const u = obj(usage);
  if (!u) return;
  const input = num(u.prompt_tokens) ?? num(u.input_tokens);
  const output = num(u.completion_tokens) ?? num(u.output_tokens);
  if (input !== undefined) facts.usage.input = input;
  if (output !== undefined) facts.usage.output = output;
  const inDetails = obj(u.prompt_tokens_details) ?? obj(u.input_tokens_details);
  const cached = num(inDetails?.cached_tokens);
  if (cached !== undefined) facts.usage.cacheRead = cached;
  const outDetails = obj(u.completion_tokens_details) ?? obj(u.output_tokens_details);
  const reasoning = num(outDetails?.reasoning_tokens);
  if (reasoning !== undefined) facts.usage.reasoning = reasoning;
}

/** `{ error: { type, code, message } }` bodies and stream events. */
export function readOpenAIError(facts: AICallFacts, body: Record<string, unknown>): boolean {
  const e = obj(body.error);
  if (!e && body.type !== 'error') return false;
  const src = e ?? body;
  facts.errorType = str(src.code) ?? str(src.type) ?? facts.errorType ?? 'error';
  facts.errorMessage = str(src.message) ?? facts.errorMessage;
  return true;
}

function readResponsesOutput(facts: AICallFacts, output: unknown, opts: ReaderOptions): void {
  if (!Array.isArray(output)) return;
  for (const item of output) {
    const o = obj(item);
    if (!o) continue;
    if (o.type === 'function_call' || o.type === 'custom_tool_call') {
      facts.toolCalls++;
      if (opts.capture) (facts.outputToolCalls ??= []).push({ name: str(o.name), arguments: str(o.arguments) });
    } else if (o.type === 'message' && opts.capture && Array.isArray(o.content)) {
      for (const c of o.content) facts.outputText = appendBounded(facts.outputText, str(obj(c)?.text), opts.limit);
    }
  }
}

function readResponsesObject(facts: AICallFacts, r: Record<string, unknown>, opts: ReaderOptions): void {
  facts.responseId = str(r.id) ?? facts.responseId;
  facts.responseModel = str(r.model) ?? facts.responseModel;
  readOpenAIUsage(facts, r.usage);
  const status = str(r.status);
  if (status === 'completed') addFinishReason(facts, 'stop');
  else if (status === 'incomplete') addFinishReason(facts, str(obj(r.incomplete_details)?.reason) ?? 'incomplete');
  else if (status === 'failed') {
    addFinishReason(facts, 'error');
    const e = obj(r.error);
    if (e) {
      facts.errorType = str(e.code) ?? str(e.type) ?? 'error';
      facts.errorMessage = str(e.message);
    }
  }
  readResponsesOutput(facts, r.output, opts);
}

function readChatChoices(facts: AICallFacts, choices: unknown, opts: ReaderOptions, streamed: boolean): void {
  if (!Array.isArray(choices)) return;
  for (const choice of choices) {
    const c = obj(choice);
    if (!c) continue;
    addFinishReason(facts, c.finish_reason);
    const message = obj(streamed ? c.delta : c.message);
    if (!message) continue;
    const calls = message.tool_calls;
    if (Array.isArray(calls)) {
      for (const call of calls) {
        const tc = obj(call);
        const fn = obj(tc?.function);
        // Streamed tool calls arrive in pieces; only the first piece of each carries its id.
        if (!streamed || str(tc?.id)) {
          facts.toolCalls++;
          if (opts.capture) (facts.outputToolCalls ??= []).push({ name: str(fn?.name), arguments: str(fn?.arguments) ?? '' });
        } else if (opts.capture && facts.outputToolCalls && facts.outputToolCalls.length > 0) {
          const last = facts.outputToolCalls[facts.outputToolCalls.length - 1]!;
          last.arguments = appendBounded(last.arguments, str(fn?.arguments), opts.limit);
        }
      }
    }
    if (opts.capture) facts.outputText = appendBounded(facts.outputText, str(message.content), opts.limit);
  }
}

const TAIL_USAGE = ',"finish_reason":null}],"usage":null}';
const TAIL = ',"finish_reason":null}]}';
const LOGPROBS = ',"logprobs":null';

/**
 * The common chunk of a chat completion stream, a text delta with no finish reason and no usage,
 * recognised from its last characters without scanning it (a scan of each ~250-character chunk
 * costs more than the rest of the per-chunk work): it ends with `"finish_reason":null}]` (and
 * `"usage":null}` or `}`), and its delta object closes right after a string value
 * (`{"content":"…"}`), where a tool-call delta closes after its `tool_calls` array. Anything
 * else (other key orders, spacing, servers) takes the careful path.
 */
function isPlainTextDelta(data: string): boolean {
  let end: number;
  if (data.endsWith(TAIL_USAGE)) end = data.length - TAIL_USAGE.length;
  else if (data.endsWith(TAIL)) end = data.length - TAIL.length;
  else return false;
  if (data.startsWith(LOGPROBS, end - LOGPROBS.length)) end -= LOGPROBS.length;
  // data[end - 1] closes the delta object; data[end - 2] ends its last value.
  return data.charCodeAt(end - 1) === 125 /* } */ && data.charCodeAt(end - 2) === 34 /* " */;
}

/**
 * OpenAI's chat completions, Responses and embeddings APIs (and every compatible server), JSON
 * and streamed. On a stream only the events that carry facts are parsed: the first chunk (id,
 * model), chunks with a finish reason, tool calls, usage or an error; plain text deltas are
 * skipped with a few `includes`, unless content is captured.
 */
export function createOpenAIReader(facts: AICallFacts, opts: ReaderOptions): ResponseReader {
  let first = true;
  return {
    json(body) {
      const b = obj(body);
      if (!b || readOpenAIError(facts, b)) return;
      if (b.object === 'response' || Array.isArray(b.output)) return readResponsesObject(facts, b, opts);
      facts.responseId = str(b.id) ?? facts.responseId;
      facts.responseModel = str(b.model) ?? facts.responseModel;
      readOpenAIUsage(facts, b.usage);
      readChatChoices(facts, b.choices, opts, false);
    },
    event(name, data) {
      if (data === '[DONE]') return;
      if (name.startsWith('response.')) {
        // The Responses API: the final event carries the whole response object.
        if (name === 'response.completed' || name === 'response.incomplete' || name === 'response.failed' || name === 'response.created') {
          const r = obj(obj(parseJson(data))?.response);
          if (r) readResponsesObject(facts, r, name === 'response.created' ? { ...opts, capture: false } : opts);
        }
        return;
      }
      if (!first && !opts.capture && name === 'message' && isPlainTextDelta(data)) return;
      const wanted =
        first ||
        opts.capture ||
        name === 'error' ||
        data.includes('"finish_reason":"') ||
        data.includes('"usage":{') ||
        data.includes('"type":"function"') ||
        data.includes('"error"');
      if (!wanted) return;
      const b = obj(parseJson(data));
      if (!b) return;
      if (name === 'error' || b.error !== undefined) {
        readOpenAIError(facts, b) || (facts.errorType ??= 'error');
        return;
      }
      if (first) {
        first = false;
        facts.responseId = str(b.id) ?? facts.responseId;
        facts.responseModel = str(b.model) ?? facts.responseModel;
      }
      readOpenAIUsage(facts, b.usage);
      readChatChoices(facts, b.choices, opts, true);
    },
  };
}
