import { describe, expect, it } from 'vitest';
import { BatchProcessor, SPAN_COUNTERS, type BatchExporter, type WaitPolicy } from '../../src/export/batch-processor.js';

// Spans of a request that is still running wait for it (late metadata). They used to wait in the
// queue, where every staging pass and every due batch looked at them again: a request with many
// ended child spans (a batch job, a stream) made each pass scan all of them, quadratic in their
// number (bench/request-path.mjs's "span start + end" line went from 2 to 76-118 µs per span).
// Now they are set aside once, grouped by request, and come back once.

describe('items waiting for a running request', () => {
  it('are each looked at a bounded number of times, however many passes run while they wait', async () => {
    const staged: number[] = [];
    const exporter: BatchExporter<number> = {
      export: async () => undefined,
      stage: (items) => void staged.push(...items),
      sealStaged: () => true,
      flushStaged: async () => undefined,
      shutdown: async () => undefined,
    };
    const request = {};
    let running = true;
    let looks = 0;
    // Odd items belong to the long request; even ones to requests that ended.
    const policy: WaitPolicy<number> = {
      waitsFor: (n) => {
        looks++;
        return n % 2 === 1 && running ? request : undefined;
      },
      ends: (n) => (n === -1 ? request : undefined),
    };
    const p = new BatchProcessor<number>(exporter, { maxQueueSize: 1_000_000, maxBatchSize: 64, batchDelayMs: 1 }, {}, () => undefined, SPAN_COUNTERS, policy);
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      p.add(i);
      if (i % 32 === 31) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 20));
    // Every ended request's item went on; the long request's wait.
    expect(staged).toHaveLength(n / 2);
    expect(p.queueSize).toBe(n / 2);
    expect(looks).toBeLessThan(n * 1.1);
    // The long request's SERVER span arrives: its items come back, once each.
    running = false;
    looks = 0;
    p.add(-1);
    await p.forceFlush();
    expect(staged).toHaveLength(n + 1);
    expect(looks).toBeLessThan(n / 2 + 100);
    await p.shutdown();
  });

  it("are written by the exit's synchronous flush", async () => {
    const written: number[] = [];
    const exporter: BatchExporter<number> = {
      export: () => new Promise(() => undefined),
      exportSync: (items) => void written.push(...items),
      shutdown: async () => undefined,
    };
    const request = {};
    const policy: WaitPolicy<number> = { waitsFor: () => request, ends: () => undefined };
    const p = new BatchProcessor<number>(exporter, { maxQueueSize: 1000, maxBatchSize: 8, batchDelayMs: 1 }, {}, () => undefined, SPAN_COUNTERS, policy);
    for (let i = 0; i < 5; i++) p.add(i);
    // A batch falls due: every item waits for the running request, so nothing is sent.
    await new Promise((r) => setTimeout(r, 20));
    expect(p.queueSize).toBe(5);
    p.flushSync();
    expect(written).toEqual([0, 1, 2, 3, 4]);
    expect(p.queueSize).toBe(0);
  });
});
