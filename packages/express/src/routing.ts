import { registrationSite, runIn, type CodeLocation } from '@tracekit/core/adapter';
import { createRequire } from 'node:module';
import { METHODS } from 'node:http';
import path from 'node:path';
import type { Application } from 'express';
import type { ServerResponse } from 'node:http';
import { HANDLER_END, MOUNTS, SCOPE, type LayerLike, type RouteLike, type TracedRequest } from './internal-types.js';

type Next = (err?: unknown) => unknown;
type HandleFn = (this: LayerLike, req: TracedRequest, res: ServerResponse, next: Next) => unknown;

const patched = new WeakSet<object>();
const ready = new WeakSet<object>();
const registering = new WeakSet<object>();
/** Where a Route was registered (the user's `app.get(...)` line), on the Route object. */
const SITE = Symbol.for('tracekit.express.site');
type SitedRoute = { [SITE]?: CodeLocation };
const ROUTE_METHODS = new Set(['all', ...METHODS.map((m) => m.toLowerCase())]);

/** Wraps Route.prototype.get/post/.../all so each route remembers the line that registered it (once, at registration). */
function patchRegistration(proto: Record<string, unknown>): void {
  if (registering.has(proto)) return;
  registering.add(proto);
  for (const key of Object.keys(proto)) {
    const original = proto[key];
    if (!ROUTE_METHODS.has(key) || typeof original !== 'function') continue;
    proto[key] = function tracekitRegister(this: SitedRoute, ...args: unknown[]) {
      this[SITE] ??= registrationSite(tracekitRegister);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
}

/**
 * Finds Express's Route class among the modules already loaded (Express 4's
 * `express/lib/router/route.js`, Express 5's `router/lib/route.js`), by shape and never by
 * importing express, and patches its registration methods. `express()` calls it, which runs
 * before the app registers its routes, so each route's SERVER spans carry `code.filepath` and
 * `code.lineno` of its `app.get(...)` call. Apps bundled into one file have no module cache to
 * search: their spans simply lack the location.
 */
export function instrumentRegistration(): void {
  let cache: Record<string, { exports?: unknown } | undefined>;
  try {
    cache = createRequire(path.join(process.cwd(), 'tracekit.js')).cache;
  } catch {
    return;
  }
  for (const id in cache) {
    if (!id.endsWith(`${path.sep}route.js`)) continue;
    const exported = cache[id]?.exports as unknown;
    const proto = typeof exported === 'function' ? (exported as { prototype?: Record<string, unknown> }).prototype : undefined;
    // Express 5's router names it `_handlesMethod`, Express 4 `_handles_method`.
    if (proto && typeof proto.dispatch === 'function' && (typeof proto._handlesMethod === 'function' || typeof proto._handles_method === 'function')) patchRegistration(proto);
  }
}

/** Joins mount templates and a route path into one template (`/api` + `/items/:id`). */
export function routeTemplate(base: string | undefined, mounts: readonly string[] | undefined, path: unknown): string {
  const route = typeof path === 'string' ? path : Array.isArray(path) ? path.map(String).join(',') : String(path);
  const joined = mounts && mounts.length > 0 ? mounts.join('') : base ?? '';
  // The common case, a route on the app itself: no prefix, no regular expression run.
  const prefix = joined === '' ? '' : joined.replace(/\/+$/, '');
  if (!prefix) return route || '/';
  return route === '/' || route === '' ? prefix : `${prefix}${route.startsWith('/') ? '' : '/'}${route}`;
}

/** The pattern a mounted router was registered with, from Express 5's rawPath or Express 4's matched path and keys. */
function mountTemplate(layer: LayerLike): string {
  if (typeof layer.rawPath === 'string') return layer.rawPath === '/' ? '' : layer.rawPath;
  let path = layer.path ?? '';
  if (layer.keys && layer.params) {
    for (const key of layer.keys) {
      const value = layer.params[String(key.name)];
      if (value) path = path.replace(value, `:${String(key.name)}`);
    }
  }
  return path === '/' ? '' : path;
}

const isMount = (layer: LayerLike) => !layer.route && (Array.isArray(layer.handle.stack) || layer.handle.name === 'mounted_app');

/** A route's handler names by request method (as Node gives it, `GET`), with the stack length they were computed for. */
const NAMES = Symbol('tracekit.express.handlerNames');
type NamedRoute = RouteLike & { [NAMES]?: Map<string, { length: number; name: string }> };

/**
 * The name of the last function a route runs for a method (its handler), computed once per route
 * and method and kept on the route: no key string or lookup table per request.
 */
function handlerName(route: NamedRoute, requestMethod: string): string {
  const names = (route[NAMES] ??= new Map());
  const known = names.get(requestMethod);
  // A route can gain handlers after its first request: the stack's length tells.
  if (known !== undefined && known.length === route.stack.length) return known.name;
  const method = requestMethod.toLowerCase();
  const layers = route.stack.filter((l) => !l.method || l.method === method || (method === 'head' && l.method === 'get'));
  const name = layers[layers.length - 1]?.handle.name ?? '';
  // Methods are few; a flood of made-up ones is not remembered.
  if (known !== undefined || names.size < 64) names.set(requestMethod, { length: route.stack.length, name });
  return name;
}

/** Runs a matched route: sets the route template, names the handler and runs it in a child span. */
function handleRoute(layer: LayerLike, route: RouteLike, req: TracedRequest, res: ServerResponse, next: Next, original: HandleFn): unknown {
  const scope = req[SCOPE];
  if (!scope || scope.isEnded) return original.call(layer, req, res, next);
  scope.setRoute(routeTemplate(req.baseUrl, req[MOUNTS], route.path));
  scope.setCodeLocation((route as unknown as SitedRoute)[SITE]);
  const child = scope.startHandler(handlerName(route, String(req.method)));
  let ended = false;
  const endChild = (err?: unknown) => {
    if (ended) return;
    ended = true;
    // Express treats any falsy value passed to next() (a thrown null or undefined) as "no error".
    if (err && err !== 'route' && err !== 'router') scope.recordChildError(child.span, err);
    child.span.end();
  };
  // The adapter ends the handler span with the response, without listeners of its own. A dropped
  // request's handler "span" is the request's own unsampled one, in the request's context: there
  // is nothing to end, and runIn does not enter that context again (the middleware's scope.run
  // did). An error passed on is still recorded (tail sampling keeps failed requests).
  if (child.context !== scope.context) req[HANDLER_END] = endChild;
  return runIn(child.context, () =>
    original.call(layer, req, res, function tracekitRouteDone(this: unknown, ...args: [unknown?]) {
      endChild(args[0]);
      return scope.run(() => next.apply(this, args));
    }),
  );
}

/**
 * Wraps Layer's request handling (Express 4's `handle_request`, router 2's `handleRequest`):
 * a mounted router records its path template; a route layer runs its route in a handler span.
 * The route is handled here rather than in `Route#dispatch` because Express 4 binds `dispatch`
 * when the route is created, so a later patch of the prototype would never run.
 */
function patchLayer(proto: Record<string, unknown>): void {
  const key = typeof proto.handleRequest === 'function' ? 'handleRequest' : 'handle_request';
  const original = proto[key] as HandleFn | undefined;
  if (!original || patched.has(proto)) return;
  patched.add(proto);
  proto[key] = function tracekitHandle(this: LayerLike, req: TracedRequest, res: ServerResponse, next: Next) {
    if (!req[SCOPE]) return original.call(this, req, res, next);
    if (this.route) return handleRoute(this, this.route, req, res, next, original);
    if (!isMount(this)) return original.call(this, req, res, next);
    const mounts = (req[MOUNTS] ??= []);
    mounts.push(mountTemplate(this));
    let left = false;
    return original.call(this, req, res, function tracekitNext(this: unknown, ...args: [unknown?]) {
      if (!left) {
        left = true;
        mounts.pop();
      }
      return next.apply(this, args);
    });
  };
}

/**
 * Patches Express's Layer prototype once (found from the app's own router, never by importing
 * express), so every app on that copy of Express reports route templates and handler spans.
 */
export function instrumentRouting(app: Application): void {
  if (ready.has(app)) return;
  const router = (app as unknown as { _router?: { stack?: unknown }; router?: { stack?: unknown } })._router ?? (app as unknown as { router?: { stack?: unknown } }).router;
  // Every layer of one copy of Express shares one prototype; the app's router holds at least
  // TraceKit's own middleware by now.
  const first = Array.isArray(router?.stack) ? (router.stack[0] as object | undefined) : undefined;
  if (first) {
    patchLayer(Object.getPrototypeOf(first) as Record<string, unknown>);
    ready.add(app);
  }
}
