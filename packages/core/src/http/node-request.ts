import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdapterRuntime } from '../lifecycle/adapter.js';
import type { RequestScope, ResponseInfo } from '../lifecycle/lifecycle.js';
import type { RequestInfo } from '../types.js';

/**
 * A {@link RequestInfo} over Node's `IncomingMessage` (Express, Fastify, Koa, NestJS).
 * `target` defaults to `req.url`; pass Express's `originalUrl` where the framework rewrites it.
 */
export function nodeRequestInfo(req: IncomingMessage, target: string = req.url ?? '/'): RequestInfo {
  return new NodeRequestInfo(req, target);
}

// A class, so that `header` is one shared method rather than a closure per request.
class NodeRequestInfo implements RequestInfo {
  readonly method: string;
  readonly scheme: string;
  readonly serverPort: number | undefined;
  readonly clientAddress: string | undefined;
  readonly protocolVersion: string;

  constructor(
    private readonly req: IncomingMessage,
    readonly target: string,
  ) {
    const socket = req.socket as (IncomingMessage['socket'] & { encrypted?: boolean }) | undefined;
    this.method = req.method ?? 'GET';
    this.scheme = socket?.encrypted ? 'https' : 'http';
    this.serverPort = socket?.localPort;
    this.clientAddress = socket?.remoteAddress;
    this.protocolVersion = req.httpVersion;
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  }
}

/** What an adapter reports at the end of a Node response (a class: no `header` closure per request). */
class NodeResponseInfo implements ResponseInfo {
  readonly statusCode: number;

  constructor(
    private readonly res: ServerResponse,
    readonly aborted: boolean,
  ) {
    this.statusCode = res.statusCode;
  }

  header(name: string): string | number | string[] | undefined {
    return this.res.getHeader(name);
  }
}

/** The {@link ResponseInfo} of a Node response that is done (`aborted`: its connection closed first). */
export function nodeResponseInfo(res: ServerResponse, aborted: boolean): ResponseInfo {
  return new NodeResponseInfo(res, aborted);
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

/** Told once when a Node response is done (see {@link onResponseDone}): an object the adapter keeps anyway, instead of a closure. */
export interface ResponseWatcher {
  responseDone(aborted: boolean): void;
}
type Done = ((aborted: boolean) => void) | ResponseWatcher;
type Tracked = ServerResponse & { [DONE]?: Done | null };

function callDone(fn: Done, aborted: boolean): void {
  if (typeof fn === 'function') fn(aborted);
  else fn.responseDone(aborted);
}

// One pair of listeners shared by every response: `this` is the response, and the callback waits
// in a symbol slot on it. No closure, no `once` wrapper and no listener removal per request.
function sharedFinish(this: Tracked): void {
  const fn = this[DONE];
  if (!fn) return;
  this[DONE] = null;
  callDone(fn, false);
}
function sharedClose(this: Tracked): void {
  const fn = this[DONE];
  if (!fn) return;
  this[DONE] = null;
  callDone(fn, !this.writableFinished);
}

/** Calls `fn` once when a Node response finishes or its connection closes first. */
export function onResponseDone(res: ServerResponse, fn: ((aborted: boolean) => void) | ResponseWatcher): void {
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
    callDone(fn, false);
  };
  const close = () => {
    if (done) return;
    done = true;
    res.removeListener('finish', finish);
    res.removeListener('close', close);
    callDone(fn, !res.writableFinished);
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
    runtime.end(scope, target, new NodeResponseInfo(res, aborted));
  });
}
