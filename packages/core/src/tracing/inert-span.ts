import type { Attributes, AttributeValue, Exception, Link, Span, SpanContext, SpanStatus, TimeInput } from '@opentelemetry/api';

/**
 * A span that records nothing: every change is ignored and it is never recording. The spans of
 * a dropped request (UnsampledSpan) and the stand-ins a finished request leaves in its context
 * (EndedSpan) are such spans; they differ in where their IDs come from and in what a dropped
 * request notes for tail sampling.
 */
export abstract class InertSpan implements Span {
  abstract spanContext(): SpanContext;

  setAttribute(_key: string, _value: AttributeValue): this {
    return this;
  }

  setAttributes(_attributes: Attributes): this {
    return this;
  }

  addEvent(_name: string, _attributesOrTime?: Attributes | TimeInput, _time?: TimeInput): this {
    return this;
  }

  addLink(_link: Link): this {
    return this;
  }

  addLinks(_links: Link[]): this {
    return this;
  }

  setStatus(_status: SpanStatus): this {
    return this;
  }

  updateName(_name: string): this {
    return this;
  }

  end(_endTime?: TimeInput): void {}

  isRecording(): boolean {
    return false;
  }

  recordException(_exception: Exception, _time?: TimeInput): void {}
}
