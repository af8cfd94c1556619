import { context } from '@opentelemetry/api';
import { ensureClient } from '../client.js';
import { debug } from '../diag.js';
import { AICall } from './ai-call.js';
import { newFacts, type AIApi, type AICallFacts } from './types.js';

/** A call to a model that TraceKit does not detect by itself, for {@link recordAICall} and {@link startAICall}. */
export interface AICallDetails {
  /** `gen_ai.provider.name`, for example `openai`, `anthropic`, `aws.bedrock`, `my-gateway`. */
  provider: string;
  /** The requested model (`gen_ai.request.model`); its price is looked up for the cost. */
  model: string;
  /** `gen_ai.operation.name`. Default `chat`. */
  operation?: string;
  /** Input tokens, cached ones included. */
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  responseModel?: string;
  responseId?: string;
  finishReasons?: string[];
  stream?: boolean;
  /** Seconds to the first streamed chunk. */
  timeToFirstChunk?: number;
  /** For `recordAICall`: how long the call took, in ms (the span is placed to end now). */
  durationMs?: number;
  /** A failure: an Error (its name becomes `error.type`) or a provider error type such as `rate_limit_error`. */
  error?: unknown;
  /** Prompts and output, recorded only when `captureAIContent` is on (redacted and truncated). */
  input?: unknown;
  output?: string;
  /** `server.address` of the provider. */
  serverAddress?: string;
}

/** A call started with {@link startAICall}. */
export interface AICallHandle {
  /** Records the first streamed chunk now (`gen_ai.response.time_to_first_chunk`). */
  firstChunk(): void;
  /** Ends the call with what came back (tokens, response model, finish reasons, error). Only the first call counts. */
  end(result?: Partial<AICallDetails>): void;
}

const APIS = new Set<string>(['openai', 'anthropic', 'gemini']);

function apply(facts: AICallFacts, d: Partial<AICallDetails>, call: AICall | undefined): void {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
  if (typeof d.model === 'string') facts.requestModel = d.model;
  if (typeof d.responseModel === 'string') facts.responseModel = d.responseModel;
  if (typeof d.responseId === 'string') facts.responseId = d.responseId;
  if (typeof d.stream === 'boolean') facts.stream = d.stream;
  if (Array.isArray(d.finishReasons)) facts.finishReasons = d.finishReasons.filter((r): r is string => typeof r === 'string');
  const usage = { input: n(d.inputTokens), output: n(d.outputTokens), cacheRead: n(d.cacheReadTokens), cacheWrite: n(d.cacheWriteTokens), reasoning: n(d.reasoningTokens) };
  for (const [k, v] of Object.entries(usage)) if (v !== undefined) facts.usage[k as keyof typeof usage] = v;
  if (d.input !== undefined) facts.inputMessages = typeof d.input === 'string' ? [{ role: 'user', parts: [{ type: 'text', content: d.input }] }] : d.input;
  if (typeof d.output === 'string') facts.outputText = d.output;
  if (d.error !== undefined && d.error !== null && d.error !== false) {
    if (typeof d.error === 'string') facts.errorType = d.error;
    else call?.fail(d.error);
  }
  if (call && n(d.timeToFirstChunk) !== undefined) call.details.timeToFirstChunk = d.timeToFirstChunk;
}

function begin(details: AICallDetails, startTime?: number): AICall | undefined {
  const client = ensureClient();
  if (!client.config.enabled || !details || typeof details !== 'object') return undefined;
  const provider = typeof details.provider === 'string' && details.provider !== '' ? details.provider : 'unknown';
  const api = (APIS.has(provider) ? provider : 'openai') as AIApi;
  const facts = newFacts(api, typeof details.operation === 'string' && details.operation !== '' ? details.operation : 'chat', provider);
  if (typeof details.model === 'string') facts.requestModel = details.model;
  return new AICall(client, facts, context.active(), details.serverAddress, undefined, startTime);
}

/**
 * Records a finished call to a model that TraceKit does not detect (a provider SDK with its own
 * transport, a queue-based gateway): the same CLIENT span as a detected call, child of the
 * active span, with tokens, cost (`tracekit.cost.usd`) and conversation ID. Never throws.
 *
 * @example
 * tracekit.recordAICall({ provider: 'aws.bedrock', model: 'claude-sonnet-4', inputTokens: 812, outputTokens: 95, durationMs: 1840 });
 */
export function recordAICall(details: AICallDetails): void {
  try {
    const duration = typeof details?.durationMs === 'number' && details.durationMs >= 0 ? details.durationMs : 0;
    const now = Date.now();
    const call = begin(details, duration > 0 ? now - duration : undefined);
    if (!call) return;
    apply(call.facts, details, call);
    call.end(duration > 0 ? now : undefined);
  } catch (e) {
    debug(`recordAICall: ${String(e)}`);
  }
}

/**
 * Starts a long call (a stream, an agent step) and returns a handle whose `end(result)` finishes
 * it; the span covers the time between. Never throws.
 *
 * @example
 * const call = tracekit.startAICall({ provider: 'my-gateway', model: 'llama-3.1-70b', stream: true });
 * for await (const chunk of stream) { call.firstChunk(); ... }
 * call.end({ inputTokens: usage.in, outputTokens: usage.out, finishReasons: ['stop'] });
 */
export function startAICall(details: AICallDetails): AICallHandle {
  let call: AICall | undefined;
  try {
    call = begin(details);
    if (call) apply(call.facts, { ...details, error: undefined }, call);
  } catch (e) {
    debug(`startAICall: ${String(e)}`);
  }
  return {
    firstChunk() {
      call?.firstChunk();
    },
    end(result) {
      try {
        if (!call || call.isEnded) return;
        if (result && typeof result === 'object') apply(call.facts, result, call);
        call.end();
      } catch (e) {
        debug(`startAICall end: ${String(e)}`);
      }
    },
  };
}
