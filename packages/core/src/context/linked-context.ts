import { createContextKey, type Context } from '@opentelemetry/api';

/** The key `trace.setSpan` / `trace.getSpan` use (createContextKey is Symbol.for). */
export const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');

/** Past this many links a context is copied into the parent's own kind (lookups stay short). */
const MAX_DEPTH = 16;

/**
 * An OpenTelemetry `Context` that adds up to two entries to a parent context without copying it.
 * The API's own context copies its whole map on every `setValue`; a request's context (its
 * state and its SERVER span) and each child span's context are one small object each instead
 * (docs/performance.md). Lookups walk at most {@link MAX_DEPTH} links to the parent; a deeper
 * chain is copied into the parent's own kind of context.
 */
export class LinkedContext implements Context {
  private depth: number;

  constructor(
    // Not readonly: see hollow() and absorbParent().
    private parent: Context,
    private readonly key: symbol,
    private value: unknown,
    private key2?: symbol,
    private value2?: unknown,
  ) {
    this.depth = parent instanceof LinkedContext ? parent.depth + 1 : 1;
  }

  getValue(key: symbol): unknown {
    if (key === this.key) return this.value;
    if (key === this.key2 && key !== undefined) return this.value2;
    return this.parent.getValue(key);
  }

  /**
   * Swaps the values this context holds for small stand-ins, once its request ended and was
   * exported (RequestScope.release): Node's timers keep the async context they were created in
   * (a keep-alive socket's timeout keeps its last request's), and a finished request should not
   * keep its spans and attributes alive through them.
   */
  hollow(value: unknown, value2?: unknown): void {
    this.value = value;
    if (this.key2 !== undefined) this.value2 = value2;
  }

  /**
   * Takes in the parent's other entry and links past the parent, when this context holds one
   * entry and the parent at most that key and one other (a handler span's context over its
   * request's): every lookup gives what it gave before, and the parent is no longer kept by
   * this context. Called once both are hollowed (RequestScope.release): a keep-alive socket's
   * timeout, made in the handler's context, then keeps one small context instead of two,
   * which every young-generation collection copies while the connection lives. Only when the
   * parent is `expected` (hollowed already: its values would otherwise stay as they are now).
   */
  absorbParent(expected: LinkedContext): void {
    if (this.parent !== expected || this.key2 !== undefined) return;
    const parent = expected;
    let key: symbol;
    let value: unknown;
    if (parent.key2 === undefined || parent.key2 === this.key) {
      key = parent.key;
      value = parent.value;
    } else if (parent.key === this.key) {
      key = parent.key2;
      value = parent.value2;
    } else return;
    if (key !== this.key) {
      this.key2 = key;
      this.value2 = value;
    }
    this.parent = parent.parent;
    this.depth = parent.depth;
  }

  setValue(key: symbol, value: unknown): Context {
    if (this.depth >= MAX_DEPTH) return this.flatten().setValue(key, value);
    return new LinkedContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    // A deleted key reads as undefined, as in the API's context.
    if (this.depth >= MAX_DEPTH) return this.flatten().deleteValue(key);
    return new LinkedContext(this, key, undefined);
  }

  /** The same entries on the first ancestor that is not linked (copied with its own setValue). */
  private flatten(): Context {
    const links: LinkedContext[] = [];
    let base: Context = this;
    while (base instanceof LinkedContext) {
      links.push(base);
      base = base.parent;
    }
    for (let i = links.length - 1; i >= 0; i--) {
      const link = links[i]!;
      base = link.value === undefined ? base.deleteValue(link.key) : base.setValue(link.key, link.value);
      if (link.key2 !== undefined) base = link.value2 === undefined ? base.deleteValue(link.key2) : base.setValue(link.key2, link.value2);
    }
    return base;
  }
}
