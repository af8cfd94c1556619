import { describe, expect, it } from 'vitest';
import { createReader } from '../../src/ai/readers.js';
import { ResponseBodyObserver } from '../../src/ai/response-body.js';
import { newFacts, type AIApi } from '../../src/ai/types.js';
// @ts-expect-error plain JS support module
import * as f from './support/fixtures.mjs';

const APIS: AIApi[] = ['openai', 'anthropic', 'gemini'];

function feed(api: AIApi, contentType: string, bytes: Buffer, split: number) {
  const facts = newFacts(api, 'chat', api);
  const obs = new ResponseBodyObserver(createReader(facts, { capture: true, limit: 100 }), { firstChunk() {}, truncated() {} }, contentType, undefined);
  for (let i = 0; i < bytes.length; i += split) obs.chunk(bytes.subarray(i, i + split));
  obs.finish(() => undefined);
  return facts;
}

describe('readers on hostile input never throw', () => {
  const samples = [
    Buffer.from('{"usage":{"prompt_tokens":"12","completion_tokens":-5},"choices":"nope","model":42}'),
    Buffer.from('{"error":null,"type":"error"}'),
    Buffer.from('null'),
    Buffer.from('[1,2,{"usageMetadata":[]}]'),
    Buffer.from('data: {"choices":[null,{"delta":null}],"usage":{}}\n\nevent: message_start\ndata: {"message":7}\n\nevent: message_delta\ndata: {"usage":null}\n\nevent: error\ndata: not json\n\n'),
    Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0x0a, 0xc3]),
    Buffer.from(`data: ${'{'.repeat(10_000)}\n\n`),
  ];
  for (const api of APIS) {
    it(`${api}: odd JSON and SSE, split anywhere`, () => {
      for (const sample of samples) {
        for (const type of ['application/json', 'text/event-stream']) {
          for (const split of [1, 3, sample.length]) {
            const facts = feed(api, type, sample, split);
            for (const v of Object.values(facts.usage)) expect(typeof v === 'number' && v >= 0).toBe(true);
          }
        }
      }
    });
  }

  it('a truncated stream keeps what arrived (message_start) and drops the unfinished event', () => {
    const text = Buffer.from(f.anthropicSse(f.anthropicEvents(3)));
    const cut = text.subarray(0, text.indexOf('message_delta') + 40);
    const facts = feed('anthropic', 'text/event-stream', cut, 7);
    expect(facts.usage).toEqual({ input: 125, cacheRead: 100, cacheWrite: 0, output: 1 });
    expect(facts.finishReasons).toEqual([]);
  });
});
