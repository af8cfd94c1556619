import {
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type AttributeValue,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanStatus,
  type TimeInput,
  type TraceState,
} from '@opentelemetry/api';
import { exceptionAttributes } from '../errors/exception.js';
import type { RequestState } from '../context/request-state.js';
import type { RequestMetadata } from '../types.js';
import { nowMs, toEpochMs } from './time.js';

/** A span event as stored. */
export interface SpanEventData {
  name: string;
  /** Epoch milliseconds. */
  time: number;
  attributes: Attributes | undefined;
}

/** Receives spans when they end. */
export interface SpanSink {
  onEnd(span: TracekitSpan): void;
}

/** Per-span limits, as in the OpenTelemetry SDK defaults. */
export const SPAN_LIMITS = { attributes: 128, events: 128, links: 128 } as const;

/**
 * TraceKit's own implementation of the OpenTelemetry `Span` interface: a plain object with no
 * per-span allocations beyond its attributes, chosen over the SDK span by measurement
 * (see docs/architecture.md). Once ended it is immutable and is handed to the pipeline as is.
 */
export class TracekitSpan implements Span {
  name: string;
  readonly kind: SpanKind;
  readonly startTime: number;
  endTime = 0;
  readonly attributes: Attributes;
  events: SpanEventData[] | undefined = undefined;
  links: Link[] | undefined = undefined;
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  ended = false;
  droppedAttributes = 0;
  droppedEvents = 0;
  private attributeCount = 0;
  private context: SpanContext | undefined = undefined;
  /** Metadata of a `withMetadata` block the span started in (merged over its request's at export). */
  scopedMetadata: RequestMetadata | undefined = undefined;

  constructor(
    private readonly sink: SpanSink,
    readonly traceId: string,
    readonly spanId: string,
    readonly parentSpanId: string | undefined,
    readonly traceFlags: number,
    readonly traceState: TraceState | undefined,
    name: string,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Attributes | undefined,
    startTime: TimeInput | undefined,
    /** The request this span belongs to, when it started inside one. */
    readonly request: RequestState | undefined,
    links?: Link[],
    /** Take `attributes` over instead of copying it: only for objects nobody else holds. */
    adopt = false,
  ) {
    this.name = name;
    this.kind = kind;
    this.startTime = startTime === undefined ? nowMs() : toEpochMs(startTime);
    if (attributes && adopt) {
      // Core's own freshly built start attributes (the SERVER span's): taken over, not copied.
      this.attributes = attributes;
      let count = 0;
      for (const key in attributes) {
        if (attributes[key] === undefined || attributes[key] === null) delete attributes[key];
        else if (count >= SPAN_LIMITS.attributes) {
          delete attributes[key];
          this.droppedAttributes++;
        } else count++;
      }
      this.attributeCount = count;
    } else {
      this.attributes = {};
      if (attributes) {
        // Start attributes are copied in one pass; the limit still applies.
        const own = this.attributes;
        let count = 0;
        for (const key in attributes) {
          const v = attributes[key];
          if (v === undefined || v === null) continue;
          if (count >= SPAN_LIMITS.attributes) {
            this.droppedAttributes++;
            continue;
          }
          own[key] = v;
          count++;
        }
        this.attributeCount = count;
      }
    }
    if (links && links.length > 0) this.links = links.slice(0, SPAN_LIMITS.links);
  }

  spanContext(): SpanContext {
    return (this.context ??= { traceId: this.traceId, spanId: this.spanId, traceFlags: this.traceFlags, traceState: this.traceState, isRemote: false });
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (this.ended || value === undefined || value === null) return this;
    if (!(key in this.attributes)) {
      if (this.attributeCount >= SPAN_LIMITS.attributes) {
        this.droppedAttributes++;
        return this;
      }
      this.attributeCount++;
    }
    this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    let attributes: Attributes | undefined;
    if (attributesOrTime instanceof Date || Array.isArray(attributesOrTime) || typeof attributesOrTime === 'number') {
      time = attributesOrTime;
    } else {
      attributes = attributesOrTime;
    }
    const events = (this.events ??= []);
    if (events.length >= SPAN_LIMITS.events) {
      this.droppedEvents++;
      return this;
    }
    events.push({ name, time: toEpochMs(time), attributes });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended) return this;
    const links = (this.links ??= []);
    if (links.length < SPAN_LIMITS.links) links.push(link);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const l of links) this.addLink(l);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.ended) return this;
    // OK is final, as in the specification: later ERROR or UNSET do not override it.
    if (this.status.code === SpanStatusCode.OK) return this;
    if (status.code === SpanStatusCode.UNSET) return this;
    this.status = status.code === SpanStatusCode.ERROR && status.message !== undefined ? { code: status.code, message: String(status.message) } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.endTime = endTime === undefined ? nowMs() : toEpochMs(endTime);
    if (this.endTime < this.startTime) this.endTime = this.startTime;
    this.ended = true;
    this.sink.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    this.addEvent('exception', exceptionAttributes(exception), time);
  }

  /** Duration in milliseconds (0 until ended). */
  get durationMs(): number {
    return this.ended ? this.endTime - this.startTime : 0;
  }
}
