import type { Redactor } from '../redaction/redactor.js';
import { obj, str } from './json-util.js';
import type { AICallFacts, AIApi } from './types.js';

interface Part {
  type: string;
  content?: unknown;
  name?: string;
  arguments?: unknown;
}
interface Message {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

function parts(content: unknown): Part[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (Array.isArray(content)) {
    return content.map((c) => {
      const o = obj(c);
      if (!o) return { type: 'text', content: c };
      const text = str(o.text);
      if (text !== undefined) return { type: 'text', content: text };
      if (o.type === 'tool_use') return { type: 'tool_call', name: str(o.name), arguments: o.input };
      if (o.type === 'tool_result') return { type: 'tool_call_response', content: o.content };
      if (o.functionCall) return { type: 'tool_call', name: str(obj(o.functionCall)?.name), arguments: obj(o.functionCall)?.args };
      return { type: str(o.type) ?? 'unknown' };
    });
  }
  if (content === undefined || content === null) return [];
  return [{ type: 'text', content }];
}

/**
 * The request's messages in the conventions' shape (`[{ role, parts: [{ type, content }] }]`),
 * from OpenAI's `messages` / `input` + `instructions`, Anthropic's `system` + `messages`, or
 * Gemini's `systemInstruction` + `contents`. Images and files are kept as their type only.
 */
export function inputMessages(api: AIApi, body: Record<string, unknown>): Message[] {
  const out: Message[] = [];
  if (api === 'anthropic') {
    if (body.system !== undefined) out.push({ role: 'system', parts: parts(body.system) });
  } else if (api === 'gemini') {
    const sys = obj(body.systemInstruction);
    if (sys) out.push({ role: 'system', parts: parts(sys.parts) });
  } else if (body.instructions !== undefined) out.push({ role: 'system', parts: parts(body.instructions) });
  const list = api === 'gemini' ? body.contents : (body.messages ?? body.input);
  if (typeof list === 'string') out.push({ role: 'user', parts: parts(list) });
  else if (Array.isArray(list)) {
    for (const m of list) {
      const o = obj(m);
      if (!o) continue;
      const msg: Message = { role: str(o.role) ?? 'user', parts: parts(api === 'gemini' ? o.parts : o.content) };
      if (Array.isArray(o.tool_calls)) {
        for (const tc of o.tool_calls) {
          const fn = obj(obj(tc)?.function);
          msg.parts.push({ type: 'tool_call', name: str(fn?.name), arguments: fn?.arguments });
        }
      }
      out.push(msg);
    }
  }
  // Embeddings: the input texts.
  if (out.length === 0 && body.input !== undefined) out.push({ role: 'user', parts: parts(body.input) });
  return out;
}

/** The output in the conventions' shape. */
export function outputMessages(facts: AICallFacts): Message[] | undefined {
  if (facts.outputText === undefined && !facts.outputToolCalls) return undefined;
  const msg: Message = { role: 'assistant', parts: [] };
  if (facts.outputText !== undefined) msg.parts.push({ type: 'text', content: facts.outputText });
  for (const tc of facts.outputToolCalls ?? []) msg.parts.push({ type: 'tool_call', name: tc.name, arguments: tc.arguments });
  if (facts.finishReasons[0]) msg.finish_reason = facts.finishReasons[0];
  return [msg];
}

/**
 * Serialises captured content for a span attribute: JSON, redacted by the core redactor (key
 * names inside the JSON and value patterns) and only then cut to `limit` characters, so a cut
 * never leaves half a secret that the patterns no longer recognise.
 */
export function contentAttribute(key: string, value: unknown, redactor: Redactor, limit: number): string | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return undefined;
  }
  if (json === undefined) return undefined;
  const redacted = redactor.attributes({ [key]: json })[key];
  const text = typeof redacted === 'string' ? redacted : json;
  return text.length > limit ? `${text.slice(0, limit)}…[truncated ${text.length - limit} chars]` : text;
}
