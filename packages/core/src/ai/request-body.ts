import { obj, parseJson, str } from './json-util.js';
import { readRequestParameters } from './span-builder.js';
import type { AICall } from './ai-call.js';

/** Request bodies up to this size are parsed; larger ones (huge prompts) are scanned for the model only. */
const MAX_PARSED = 2 * 1024 * 1024;

/**
 * Reads the request's model and parameters (and, with content capture, its messages) from the
 * body the app sent. A body that is not JSON leaves the facts as they are.
 */
export function readRequestBody(text: string, call: AICall): void {
  // Without content capture only a few top-level scalars are needed: scanned, not parsed (a
  // JSON.parse of the whole prompt would cost more than everything else TraceKit does per call).
  if (!call.rt.config.captureContent || text.length > MAX_PARSED) {
    scanRequestParameters(text, call);
    return;
  }
  const body = obj(parseJson(text));
  if (!body) return;
  readRequestParameters(call.facts, body);
  call.details.requestBody = body;
}

const MODEL = /"model"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const STREAM = /"stream"\s*:\s*(true|false)/;
const MAX_TOKENS = /"(?:max_tokens|max_completion_tokens|max_output_tokens|maxOutputTokens)"\s*:\s*(\d+)/;
const TEMPERATURE = /"temperature"\s*:\s*(\d+(?:\.\d+)?)/;

/**
 * The request's model, stream flag, max tokens and temperature, by their keys. A quoted key can
 * only appear unescaped as a key (inside a string value its quotes are escaped), and the model
 * is the first string-valued "model" key: the SDKs write it at the top level.
 */
function scanRequestParameters(text: string, call: AICall): void {
  const f = call.facts;
  const model = MODEL.exec(text);
  if (model) {
    const raw = model[1]!;
    f.requestModel = raw.includes('\\') ? (str(parseJson(`"${raw}"`)) ?? raw) : raw;
  }
  const stream = STREAM.exec(text);
  if (stream) f.stream = stream[1] === 'true';
  const max = MAX_TOKENS.exec(text);
  if (max) f.maxTokens = Number(max[1]);
  const t = TEMPERATURE.exec(text);
  if (t) f.temperature = Number(t[1]);
}

/** Collects request body chunks (bounded) and hands the text to `readRequestBody` when done. */
export class RequestBodyCollector {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly call: AICall) {}

  add(chunk: unknown): void {
    if (this.size > MAX_PARSED * 4) return;
    let b: Buffer | undefined;
    if (typeof chunk === 'string') b = Buffer.from(chunk);
    else if (chunk instanceof Uint8Array) b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!b) return;
    this.parts.push(b);
    this.size += b.length;
  }

  done(): void {
    if (this.size === 0) return;
    try {
      readRequestBody((this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size)).toString('utf8'), this.call);
    } catch {
      // never break the call
    }
    this.parts = [];
  }
}
