import type { Request } from 'express';
import type { RequestScope } from '@tracekit/core/adapter';

export const SCOPE = Symbol.for('tracekit.express.scope');
export const MOUNTS = Symbol.for('tracekit.express.mounts');
/** Ends the request's open handler span; called when the response is done. */
export const HANDLER_END = Symbol.for('tracekit.express.handlerEnd');

/** The request as TraceKit annotates it. */
export type TracedRequest = Request & { [SCOPE]?: RequestScope; [MOUNTS]?: string[]; [HANDLER_END]?: () => void };

/** The parts of Express's (4) and router's (Express 5) Layer and Route that TraceKit reads. */
export interface LayerLike {
  handle: ((...args: unknown[]) => unknown) & { stack?: unknown; name: string };
  route?: RouteLike;
  method?: string;
  /** Express 5: the pattern as registered. */
  rawPath?: unknown;
  /** Both: the part of the URL the layer matched. */
  path?: string;
  /** Express 4: the parameter keys and their matched values. */
  keys?: Array<{ name: string | number }>;
  params?: Record<string, string>;
}

export interface RouteLike {
  path: unknown;
  stack: LayerLike[];
  dispatch(req: unknown, res: unknown, done: (err?: unknown) => void): unknown;
}
