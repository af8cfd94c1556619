import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdapterRuntime } from '../lifecycle/adapter.js';
import type { RequestScope } from '../lifecycle/lifecycle.js';
import type { RequestInfo } from '../types.js';

/**
 * A {@link RequestInfo} over Node's `IncomingMessage` (Express, Fastify, Koa, NestJS).
 * `target` defaults to `req.url`; pass Express's `originalUrl` where the framework rewrites it.
 */
export function nodeRequestInfo(req: IncomingMessage, target: string = req.url ?? '/'): RequestInfo {
  const socket = req.socket as (IncomingMessage['socket'] & { encrypted?: boolean }) | undefined;
  return {
    method: req.method ?? 'GET',
    target,
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    scheme: socket?.encrypted ? 'https' : 'http',
    serverPort: socket?.localPort,
    clientAddress: socket?.remoteAddress,
    protocolVersion: req.httpVersion,
  };
}

/** A {@link RequestInfo} over a Web `Request` (Hono's `app.fetch()` without a Node request). */
export function webRequestInfo(request: Request): RequestInfo {
  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    url = undefined;
  }
  return {
    method: request.method,
    target: url ? url.pathname + url.search : '/',
    header: (name) => request.headers.get(name) ?? (name === 'host' && url ? url.host : undefined),
    scheme: url ? url.protocol.replace(/:$/, '') : 'http',
  };
}

const DONE = Symbol('tracekit.responseDone');
type Tracked = ServerResponse & { [DONE]?: ((aborted: boolean) => void) | null };

// One pair of listeners shared by every response: `this` is the response, and the callback waits
// in a symbol slot on it. No closure, no `once` wrapper and no listener removal per request.
function sharedFinish(this: Tracked): void {
  const fn = this[DONE];
  if (!fn) return;
  this[DONE] = null;
  fn(false);
}
function sharedClose(this: Tracked): void {
  const fn = this[DONE];
  if (!fn) return;
  this[DONE] = null;
  fn(!this.writableFinished);
}

/** Calls `fn` once when a Node response finishes or its connection closes first. */
export function onResponseDone(res: ServerResponse, fn: (aborted: boolean) => void): void {
  const tracked = res as Tracked;
  if (tracked[DONE] === undefined) {
    tracked[DONE] = fn;
    res.on('finish', sharedFinish);
    res.on('close', sharedClose);
    return;
  }
  // A second watcher on the same response (an app with two adapters): listeners of its own.
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    res.removeListener('finish', finish);
    res.removeListener('close', close);
    fn(false);
  };
  const close = () => {
    if (done) return;
    done = true;
    res.removeListener('finish', finish);
    res.removeListener('close', close);
    fn(!res.writableFinished);
  };
  res.once('finish', finish);
  res.once('close', close);
}

/**
 * Ends the request's scope when the Node response finishes (or its connection closes first).
 * `target` is what the adapter's `responseHook` receives (Fastify's reply, Koa's context);
 * it defaults to `res`.
 */
export function endWithNodeResponse<Req>(runtime: AdapterRuntime<Req, ServerResponse>, scope: RequestScope, res: ServerResponse, beforeEnd?: () => void): void;
export function endWithNodeResponse<Req, Res>(runtime: AdapterRuntime<Req, Res>, scope: RequestScope, res: ServerResponse, beforeEnd: (() => void) | undefined, target: Res): void;
export function endWithNodeResponse<Req, Res>(
  runtime: AdapterRuntime<Req, Res>,
  scope: RequestScope,
  res: ServerResponse,
  beforeEnd?: () => void,
  target: Res = res as unknown as Res,
): void {
  onResponseDone(res, (aborted) => {
    if (beforeEnd) {
      try {
        beforeEnd();
      } catch {
        // the adapter's last look at the request must not stop the span from ending
      }
    }
    runtime.end(scope, target, { statusCode: res.statusCode, header: (name) => res.getHeader(name), aborted });
  });
}
