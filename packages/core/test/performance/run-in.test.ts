import { AsyncLocalStorage } from 'node:async_hooks';
import { context, createContextKey } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureContextManager, runIn } from '../../src/context/context.js';

// runIn enters a context only when it is not the active one already: a dropped request's handler
// (and a NestJS guard or interceptor) runs in the request's context, entered once per request.
const key = createContextKey('run-in.test');
let entries = 0;
const run = AsyncLocalStorage.prototype.run;

beforeAll(() => {
  ensureContextManager();
  AsyncLocalStorage.prototype.run = function counted(this: AsyncLocalStorage<unknown>, ...args: Parameters<typeof run>) {
    entries++;
    return run.apply(this, args);
  } as typeof run;
});
afterAll(() => {
  AsyncLocalStorage.prototype.run = run;
});

describe('runIn', () => {
  it('enters a context that is not active, and leaves it after', () => {
    const ctx = context.active().setValue(key, 'request');
    entries = 0;
    const seen = runIn(ctx, () => context.active().getValue(key));
    expect(seen).toBe('request');
    expect(entries).toBe(1);
    expect(context.active().getValue(key)).toBeUndefined();
  });

  it('runs at once, with no second entry, in a context that is already active; values and throws pass through', async () => {
    const ctx = context.active().setValue(key, 'request');
    const inner = await context.with(ctx, async () => {
      entries = 0;
      const value = runIn(ctx, () => context.active().getValue(key));
      const thrown = (() => {
        try {
          return runIn(ctx, () => {
            throw new RangeError('passes');
          });
        } catch (err) {
          return err;
        }
      })();
      await new Promise((r) => setTimeout(r, 1));
      return { value, thrown, entries, after: context.active().getValue(key) };
    });
    expect(inner.value).toBe('request');
    expect(inner.thrown).toBeInstanceOf(RangeError);
    expect(inner.entries).toBe(0);
    expect(inner.after).toBe('request');
  });
});
