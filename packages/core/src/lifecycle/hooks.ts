import { debug } from '../diag.js';

/** Counts failures of user hooks. */
export interface HookCounters {
  hookErrors: number;
}

/**
 * Runs a user hook so that it can never break the request: a throw (or a rejected promise) is
 * caught, counted in `client.stats().hookErrors` and reported with `debug`.
 */
export function safeCall<A extends unknown[]>(counters: HookCounters, name: string, fn: ((...args: A) => unknown) | undefined, ...args: A): void {
  if (!fn) return;
  try {
    const result = fn(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(undefined, (e: unknown) => {
        counters.hookErrors++;
        debug(`${name} rejected: ${String(e)}`);
      });
    }
  } catch (e) {
    counters.hookErrors++;
    debug(`${name} threw: ${String(e)}`);
  }
}
