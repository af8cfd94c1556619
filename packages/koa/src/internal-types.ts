import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestScope } from '@tracekit/core/adapter';

export const SCOPE = Symbol.for('tracekit.koa.scope');

/** The parts of a Koa context that TraceKit reads (Koa 2 and 3; no dependency on Koa's types). */
export interface KoaContextLike {
  req: IncomingMessage;
  res: ServerResponse;
}

/** A Koa middleware over the context type `Ctx`. */
export type KoaMiddleware<Ctx> = (ctx: Ctx, next: () => Promise<unknown>) => Promise<unknown>;

/** The context as TraceKit annotates it; `_matchedRoute` is @koa/router's matched template. */
export type TracedContext = KoaContextLike & {
  [SCOPE]?: RequestScope;
  _matchedRoute?: unknown;
  app?: { middleware?: unknown };
};

/** The parts of @koa/router's Router and Layer that TraceKit reads. */
export interface RouterLike {
  stack: LayerLike[];
}

export interface LayerLike {
  path: unknown;
  methods: string[];
  stack: Array<(ctx: TracedContext, next: () => Promise<unknown>) => unknown>;
}
