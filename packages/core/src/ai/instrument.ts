import { context } from '@opentelemetry/api';
import { debug } from '../diag.js';
import { obj } from './json-util.js';
import { withSdkCall } from './sdk-marker.js';

const WRAPPED = Symbol.for('tracekit.ai.wrapped');

/** The SDK methods that call a model, by path from the client. */
const METHODS: ReadonlyArray<readonly string[]> = [['chat', 'completions'], ['responses'], ['embeddings'], ['completions'], ['messages'], ['beta', 'messages']];

function resolve(root: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || (typeof cur !== 'object' && typeof cur !== 'function')) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>) : undefined;
}

function wrap(resource: Record<string, unknown>, sdk: string, method: string): boolean {
  const original = resource.create as ((...args: unknown[]) => unknown) & { [WRAPPED]?: boolean };
  if (typeof original !== 'function' || original[WRAPPED]) return false;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    let ctx;
    try {
      ctx = withSdkCall(context.active(), { sdk, method, params: obj(args[0]) });
    } catch {
      return original.apply(this, args);
    }
    // Only the context changes: the SDK's own promise or stream object is returned untouched.
    return context.with(ctx, () => original.apply(this, args));
  } as typeof original;
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  wrapped[WRAPPED] = true;
  // An own property on this client's resource object: other clients and the SDK's prototypes are left alone.
  resource.create = wrapped;
  return true;
}

/**
 * Adds SDK-level detail to the calls of an official `openai` (v4 to v6) or `@anthropic-ai/sdk`
 * client and returns the same client. Calls are traced without it (detection works on any
 * `fetch`); with it, the span also names the SDK method (`tracekit.ai.source`, for example
 * `openai.chat.completions.create`) and takes the model, parameters and (with
 * `captureAIContent`) the messages from the arguments instead of re-reading the request body.
 * `create()` still returns the SDK's own object: its promise with `.withResponse()` and
 * `.asResponse()`, its stream with `tee()`, `toReadableStream()` and `controller`. Calling it
 * twice is harmless; an object that is not such a client is returned unchanged. Never throws.
 *
 * @example
 * const openai = tracekit.instrumentAI(new OpenAI());
 */
export function instrumentAI<T>(client: T): T {
  try {
    if (client === null || typeof client !== 'object') return client;
    // Anthropic's client has `messages` at the top; OpenAI's does not.
    const sdk = resolve(client, ['messages']) ? 'anthropic' : 'openai';
    for (const path of METHODS) {
      const resource = resolve(client, path);
      if (resource) wrap(resource, sdk, `${path.join('.')}.create`);
    }
  } catch (e) {
    debug(`instrumentAI: ${String(e)}`);
  }
  return client;
}
