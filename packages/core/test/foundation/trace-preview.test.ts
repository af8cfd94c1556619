import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shutdown, trace } from '../../src/index.js';
import { setupTestTracing, type TestTracing } from '../../src/testing/index.js';

describe('trace(fn, { captureArgs, captureReturn })', () => {
  let tracing: TestTracing;
  beforeAll(async () => {
    tracing = await setupTestTracing();
  });
  afterAll(() => shutdown());

  it("previews arguments and the result without running the app's getters or toJSON", async () => {
    tracing.reset();
    const calls: string[] = [];
    const hostile = {
      id: 7,
      get secretlyExpensive() {
        calls.push('getter');
        return 'x';
      },
      toJSON() {
        calls.push('toJSON');
        return {};
      },
    };
    const load = trace(async function load(id: number, options: object) {
      return { id, found: true, options };
    }, { captureArgs: true, captureReturn: true });
    const result = await load(7, hostile);
    expect(result.found).toBe(true);
    expect(calls).toEqual([]);
    const [span] = (await tracing.spans()).filter((s) => s.name === 'load');
    expect(span?.attributes['tracekit.args']).toBe('[7,{"id":7,"secretlyExpensive":[Getter],"toJSON":[Function toJSON]}]');
    expect(span?.attributes['tracekit.return']).toBe('{"id":7,"found":true,"options":[Object]}');
    expect(calls).toEqual([]);
  });
});
