import type { Attributes } from '@opentelemetry/api';
import { GEN_AI, TK_AI } from './attributes.js';
import type { AIRuntime } from './ai-runtime.js';
import { contentAttribute, inputMessages, outputMessages } from './content.js';
import { computeCost, type AICost } from './cost.js';
import { obj } from './json-util.js';
import type { AICallFacts } from './types.js';

/** The span name: `{gen_ai.operation.name} {gen_ai.request.model}` (the response's model when the request named none). */
export function aiSpanName(facts: AICallFacts): string {
  const model = facts.requestModel ?? facts.responseModel;
  return model ? `${facts.operation} ${model}` : facts.operation;
}

/** Attributes known when the call starts. */
export function startAttributes(facts: AICallFacts, host: string | undefined, port: number | undefined): Attributes {
  const a: Attributes = { [GEN_AI.operation]: facts.operation, [GEN_AI.provider]: facts.provider };
  if (host) a[GEN_AI.serverAddress] = host;
  if (port) a[GEN_AI.serverPort] = port;
  return a;
}

/** What the call's end adds besides the facts. */
export interface EndDetails {
  statusCode?: number | undefined;
  /** Seconds from the start to the first streamed event. */
  timeToFirstChunk?: number | undefined;
  aborted?: boolean;
  truncated?: boolean;
  retryAfter?: string | undefined;
  /** The request body, kept only when content is captured. */
  requestBody?: Record<string, unknown> | undefined;
}

/**
 * The attributes of a finished call, and its cost (undefined for an unknown model: no cost and
 * `tracekit.cost.unknown_model=true`, never a guess).
 */
export function endAttributes(facts: AICallFacts, end: EndDetails, rt: AIRuntime): { attributes: Attributes; cost: AICost | undefined } {
  const a: Attributes = {};
  const set = (k: string, v: Attributes[string]) => {
    if (v !== undefined) a[k] = v;
  };
  set(GEN_AI.requestModel, facts.requestModel);
  set(GEN_AI.requestStream, facts.stream);
  set(GEN_AI.requestMaxTokens, facts.maxTokens);
  set(GEN_AI.requestTemperature, facts.temperature);
  set(GEN_AI.responseModel, facts.responseModel);
  set(GEN_AI.responseId, facts.responseId);
  if (facts.finishReasons.length > 0) a[GEN_AI.finishReasons] = facts.finishReasons.slice();
  const u = facts.usage;
  set(GEN_AI.inputTokens, u.input);
  set(GEN_AI.outputTokens, u.output);
  set(GEN_AI.cacheReadTokens, u.cacheRead);
  set(GEN_AI.cacheCreationTokens, u.cacheWrite);
  set(GEN_AI.reasoningTokens, u.reasoning);
  if (facts.toolCalls > 0) a[GEN_AI.toolCalls] = facts.toolCalls;
  set(GEN_AI.timeToFirstChunk, end.timeToFirstChunk);
  set(GEN_AI.statusCode, end.statusCode);
  if (end.aborted) a[TK_AI.aborted] = true;
  if (end.truncated) a[TK_AI.truncated] = true;
  set(TK_AI.retryAfter, end.retryAfter);
  set(GEN_AI.errorType, facts.errorType);
  set(TK_AI.errorMessage, facts.errorMessage);

  let cost: AICost | undefined;
  const hasUsage = u.input !== undefined || u.output !== undefined;
  if (hasUsage) {
    const price = rt.prices.lookup(facts.responseModel) ?? rt.prices.lookup(facts.requestModel);
    if (price) {
      cost = computeCost(price, u);
      a[TK_AI.cost] = cost.total;
      a[TK_AI.costInput] = cost.input;
      a[TK_AI.costOutput] = cost.output;
      if (cost.cacheRead) a[TK_AI.costCacheRead] = cost.cacheRead;
      if (cost.cacheWrite) a[TK_AI.costCacheWrite] = cost.cacheWrite;
      a[TK_AI.priceTable] = rt.prices.source(price);
    } else a[TK_AI.unknownModel] = true;
  }

  if (rt.config.captureContent) {
    const limit = rt.config.maxContentLength;
    const input = facts.inputMessages ?? (end.requestBody ? inputMessages(facts.api, end.requestBody) : undefined);
    if (input !== undefined) set(GEN_AI.inputMessages, contentAttribute(GEN_AI.inputMessages, input, rt.redactor, limit));
    const output = outputMessages(facts);
    if (output) set(GEN_AI.outputMessages, contentAttribute(GEN_AI.outputMessages, output, rt.redactor, limit));
  }
  return { attributes: a, cost };
}

/** Request parameters that become attributes (model, stream, max tokens, temperature). */
export function readRequestParameters(facts: AICallFacts, body: Record<string, unknown>): void {
  if (typeof body.model === 'string') facts.requestModel = body.model;
  if (typeof body.stream === 'boolean') facts.stream = body.stream;
  const max = body.max_tokens ?? body.max_completion_tokens ?? body.max_output_tokens ?? obj(body.generationConfig)?.maxOutputTokens;
  if (typeof max === 'number') facts.maxTokens = max;
  const t = body.temperature ?? obj(body.generationConfig)?.temperature;
  if (typeof t === 'number') facts.temperature = t;
}
