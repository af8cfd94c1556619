import { obj, parseJson } from './json-util.js';
import { readRequestParameters } from './span-builder.js';
import type { AICall } from './ai-call.js';

/** Request bodies up to this size are parsed; larger ones (huge prompts) are scanned for the model only. */
const MAX_PARSED = 2 * 1024 * 1024;

/**
 * Reads the request's model and parameters (and, with content capture, its messages) from the
 * body the app sent. A body that is not JSON leaves the facts as they are.
 */
export function readRequestBody(text: string, call: AICall): void {
  if (text.length <= MAX_PARSED) {
    const body = obj(parseJson(text));
    if (!body) return;
    readRequestParameters(call.facts, body);
    if (call.rt.config.captureContent) call.details.requestBody = body;
    return;
  }
  const model = /"model"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text);
  if (model) call.facts.requestModel = model[1];
  if (/"stream"\s*:\s*true/.test(text)) call.facts.stream = true;
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
    this.parts.push(Buffer.from(b));
    this.size += b.length;
  }

  done(): void {
    if (this.size === 0) return;
    try {
      readRequestBody(Buffer.concat(this.parts, this.size).toString('utf8'), this.call);
    } catch {
      // never break the call
    }
    this.parts = [];
  }
}
