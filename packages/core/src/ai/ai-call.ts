import { performance } from 'node:perf_hooks';
import { SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import type { TracekitClient } from '../client.js';
import { currentMetadata, metadataAttributes, scopedMetadata } from '../context/metadata.js';
import { debug } from '../diag.js';
import { errorType } from '../errors/exception.js';
import { GEN_AI } from './attributes.js';
import { aiRuntime, type AIRuntime } from './ai-runtime.js';
import { aiSpanName, endAttributes, startAttributes, type EndDetails } from './span-builder.js';
import { addToTotals } from './totals.js';
import type { AICallFacts } from './types.js';

/**
 * One AI call and its CLIENT span, from start to its single end. Every way a call can finish
 * (the body completes, the provider answers 4xx/5xx, the network fails, the consumer aborts or
 * breaks out of a stream) calls `end()`; only the first call counts.
 */
export class AICall {
  readonly span: Span;
  readonly rt: AIRuntime;
  private ended = false;
  private t0 = performance.now();
  private firstChunkAt: number | undefined = undefined;
  readonly details: EndDetails = {};

  constructor(
    private readonly client: TracekitClient,
    readonly facts: AICallFacts,
    parent: Context,
    host?: string,
    port?: number,
    startTime?: number,
  ) {
    this.rt = aiRuntime(client);
    // Dates, not numbers: core reads a number below the process's time origin as a
    // performance.now() reading, which an epoch time is in a process younger than the duration.
    const options = { kind: SpanKind.CLIENT, attributes: startAttributes(facts, host, port), ...(startTime === undefined ? {} : { startTime: new Date(startTime) }) };
    this.span = client.tracer.startSpan(aiSpanName(facts), options, parent);
    if (startTime !== undefined) this.t0 -= Date.now() - startTime;
    const metadata = currentMetadata();
    if (metadata) {
      if (typeof metadata.chatId === 'string' && metadata.chatId !== '') this.span.setAttribute(GEN_AI.conversationId, metadata.chatId);
      // Request metadata reaches every span of the request at export; a withMetadata scope is set here.
      const scoped = scopedMetadata();
      if (scoped) this.span.setAttributes(metadataAttributes(scoped));
    }
  }

  /** Marks the arrival of the first streamed event (`gen_ai.response.time_to_first_chunk`). */
  firstChunk(): void {
    if (this.firstChunkAt === undefined) this.firstChunkAt = performance.now();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Records a thrown or network error (its name/code becomes `error.type` unless the provider gave one). */
  fail(err: unknown): void {
    if (this.facts.errorType === undefined) this.facts.errorType = errorCode(err);
    if (this.facts.errorMessage === undefined && err instanceof Error) this.facts.errorMessage = err.message;
  }

  /** Ends the span once: attributes, cost, status, totals. Never throws. */
  end(endTime?: number): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const d = this.details;
      if (this.firstChunkAt !== undefined && this.facts.stream !== false) d.timeToFirstChunk = Math.round((this.firstChunkAt - this.t0) * 1000) / 1e6;
      if (d.statusCode !== undefined && d.statusCode >= 400 && this.facts.errorType === undefined) this.facts.errorType = String(d.statusCode);
      const { attributes, cost } = endAttributes(this.facts, d, this.rt);
      this.span.updateName(aiSpanName(this.facts));
      this.span.setAttributes(attributes);
      const failed = this.facts.errorType !== undefined && !d.aborted;
      if (failed) this.span.setStatus({ code: SpanStatusCode.ERROR, message: this.facts.errorMessage ?? this.facts.errorType });
      addToTotals(this.client.mutableStats, this.facts, failed, cost);
    } catch (e) {
      debug(`AI span: ${String(e)}`);
    }
    this.span.end(endTime === undefined ? undefined : new Date(endTime));
  }
}

function errorCode(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown; cause?: { code?: unknown } } | null;
  if (e && typeof e === 'object') {
    if (typeof e.cause?.code === 'string') return e.cause.code;
    if (typeof e.code === 'string') return e.code;
  }
  return errorType(err);
}
