import type { SpanContext } from '@opentelemetry/api';

/** What a head sampler sees for a root span (one without a local parent). */
export interface SamplingInput {
  readonly traceId: string;
  /** The remote parent, when the request carried a valid `traceparent`. */
  readonly parent: SpanContext | undefined;
}

/** Decides whether a new trace is recorded. */
export interface Sampler {
  shouldSample(input: SamplingInput): boolean;
}

/**
 * Head sampling by ratio, deterministic on the trace ID and compatible with OpenTelemetry's
 * `TraceIdRatioBasedSampler` (the same trace ID gets the same decision in every service),
 * and parent-based: a remote parent's sampled flag wins.
 */
export class ParentBasedRatioSampler implements Sampler {
  private readonly bound: number;
  constructor(private readonly ratio: number) {
    this.bound = Math.floor(ratio * 0xffffffff);
  }

  shouldSample({ traceId, parent }: SamplingInput): boolean {
    if (parent) return (parent.traceFlags & 1) === 1;
    if (this.ratio >= 1) return true;
    if (this.ratio <= 0) return false;
    return traceIdRatioValue(traceId) < this.bound;
  }
}

/** The same accumulation as OpenTelemetry's TraceIdRatioBasedSampler: eight 4-byte words XOR-folded. */
export function traceIdRatioValue(traceId: string): number {
  let acc = 0;
  for (let i = 0; i < traceId.length / 8; i++) {
    const pos = i * 8;
    const part = parseInt(traceId.slice(pos, pos + 8), 16);
    acc = (acc ^ part) >>> 0;
  }
  return acc;
}
