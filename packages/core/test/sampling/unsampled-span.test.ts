import { context, isSpanContextValid, trace, type Attributes } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { getClient, shutdown, startSpan, withSpan } from '../../src/adapter-api.js';
import { UnsampledSpan } from '../../src/sampling/unsampled-span.js';
import { traceIdRatioValue } from '../../src/sampling/trace-id-ratio.js';
import { traced } from './helpers.js';

afterEach(async () => {
  if (getClient()) await shutdown();
});

describe('UnsampledSpan', () => {
  it('writes a new trace ID from its words only when read, consistent with their ratio value', () => {
    const words = [0x0af76519, 0x16cd43dd, 0x8448eb21, 0x1c80319c] as const;
    const span = new UnsampledSpan(undefined, words, undefined, undefined);
    expect(span.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(traceIdRatioValue(span.traceId)).toBe((words[0] ^ words[1] ^ words[2] ^ words[3]) >>> 0);
  });

  it('has a valid, stable span context that survives copying', () => {
    const span = new UnsampledSpan('4bf92f3577b34da6a3ce929d0e0e4736', undefined, undefined, undefined);
    const ctx = span.spanContext();
    expect(span.spanContext()).toBe(ctx);
    expect({ ...ctx }).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: span.spanId, traceFlags: 0, traceState: undefined, isRemote: false });
    expect(isSpanContextValid(ctx)).toBe(true);
    expect(span.isRecording()).toBe(false);
  });

  it('tells its observer about exceptions, whichever way they are recorded; ignores the rest', () => {
    const seen: Attributes[] = [];
    const span = new UnsampledSpan('4bf92f3577b34da6a3ce929d0e0e4736', undefined, undefined, { noteException: (a) => seen.push(a) });
    span.recordException(new RangeError('out of range'));
    span.addEvent('exception', { 'exception.type': 'E', 'exception.message': 'm' });
    span.addEvent('cache.miss', { key: 'k' });
    span.setAttribute('a', 1).setStatus({ code: 2 }).updateName('x').end();
    expect(seen.map((a) => [a['exception.type'], a['exception.message']])).toEqual([
      ['RangeError', 'out of range'],
      ['E', 'm'],
    ]);
  });
});

describe('dropped traces outside requests', () => {
  it('at sampleRate 0 a manual root and all its children are one non-recording span with a valid context', async () => {
    const t = await traced({ sampleRate: 0 });
    const root = startSpan('job');
    expect(root).toBeInstanceOf(UnsampledSpan);
    const inRoot = trace.setSpan(context.active(), root);
    expect(context.with(inRoot, () => startSpan('step'))).toBe(root);
    context.with(inRoot, () => withSpan('inner', (s) => expect(s).toBe(root)));
    root.end();
    expect(await t.spans()).toHaveLength(0);
    expect(t.stats()).toMatchObject({ droppedBySampling: 1, spansStarted: 0 });
  });
});
