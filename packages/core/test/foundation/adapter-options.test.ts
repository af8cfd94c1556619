import { describe, expect, it } from 'vitest';
import { createAdapter, TracekitConfigError } from '../../src/adapter-api.js';

describe('adapter options', () => {
  it('a misspelt option fails fast, naming it and the accepted options', () => {
    expect(() => createAdapter('express', { ignores: ['/health'] } as never)).toThrow(TracekitConfigError);
    expect(() => createAdapter('express', { ignores: ['/health'] } as never)).toThrow(
      /express\(\{ ignores \}\) is not an option of the adapter: accepted options are ignore, requestIdHeader, captureHeaders, spanName, requestHook, responseHook/,
    );
    expect(() => createAdapter('koa', { requestIDHeader: 'x-id' } as never)).toThrow(/koa\(\{ requestIDHeader \}\)/);
  });

  it("keys the framework itself reads (Fastify's register options) are accepted", () => {
    expect(() => createAdapter('fastify', { prefix: '/api', ignore: ['/health'] } as never, ['prefix', 'logLevel'])).not.toThrow();
  });

  it('every documented option is accepted', () => {
    expect(() =>
      createAdapter('hono', { ignore: '/health', requestIdHeader: 'x-id', captureHeaders: { request: ['accept'] }, spanName: () => undefined, requestHook: () => undefined, responseHook: () => undefined }),
    ).not.toThrow();
  });
});
