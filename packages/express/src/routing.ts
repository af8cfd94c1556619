import { context } from '@opentelemetry/api';
import { recordException, registrationSite, type CodeLocation } from '@tracekit/core';
import { createRequire } from 'node:module';
import { METHODS } from 'node:http';
import path from 'node:path';
import type { Application } from 'express';
import type { ServerResponse } from 'node:http';
import { MOUNTS, SCOPE, type LayerLike, type RouteLike, type TracedRequest } from './internal-types.js';

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
    const exported = cache[id]?.exports as { prototype?: Record<string, unknown> } | undefined;
    const proto = typeof exported === 'function' ? exported.prototype : undefined;
    if (proto && typeof proto.dispatch === 'function' && typeof proto._handlesMethod === 'function') patchRegistration(proto);
  }
}

/** Joins mount templates and a route path into one template (`/api` + `/items/:id`). */
export function routeTemplate(base: string | undefined, mounts: readonly string[] | undefined, path: unknown): string {
  const route = typeof path === 'string' ? path : Array.isArray(path) ? path.map(String).join(',') : String(path);
  const prefix = (mounts && mounts.length > 0 ? mounts.join('') : base ?? '').replace(/\/+$/, '');
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

/** Wraps Layer's request handling so mounted routers record their path template. */
function patchLayer(proto: Record<string, unknown>): void {
  const key = typeof proto.handleRequest === 'function' ? 'handleRequest' : 'handle_request';
  const original = proto[key] as HandleFn | undefined;
  if (!original || patched.has(proto)) return;
  patched.add(proto);
  proto[key] = function tracekitHandle(this: LayerLike, req: TracedRequest, res: ServerResponse, next: Next) {
    if (!req[SCOPE] || !isMount(this)) return original.call(this, req, res, next);
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

/** Wraps Route.dispatch: sets the route template, names the handler and runs it in a child span. */
function patchRoute(proto: RouteLike, onDone: (res: ServerResponse, fn: () => void) => void): void {
  if (patched.has(proto)) return;
  patched.add(proto);
  const original = proto.dispatch;
  proto.dispatch = function tracekitDispatch(this: RouteLike, req: unknown, res: unknown, done: (err?: unknown) => void) {
    const traced = req as TracedRequest;
    const scope = traced[SCOPE];
    if (!scope || scope.isEnded) return original.call(this, req, res, done);
    scope.setRoute(routeTemplate(traced.baseUrl, traced[MOUNTS], this.path));
    const method = String(traced.method).toLowerCase();
    const layers = this.stack.filter((l) => !l.method || l.method === method || (method === 'head' && l.method === 'get'));
    const name = layers[layers.length - 1]?.handle.name || '<anonymous>';
    scope.setHandler(name);
    scope.setCodeLocation((this as SitedRoute)[SITE]);
    const child = scope.startChild(`handler ${name}`, { 'code.function.name': name, 'http.route': scope.route ?? '' });
    let ended = false;
    const endChild = (err?: unknown) => {
      if (ended) return;
      ended = true;
      // Express treats any falsy value passed to next() (a thrown null or undefined) as "no error".
      if (err && err !== 'route' && err !== 'router') {
        scope.recordError(err);
        recordException(child.span, err);
      }
      child.span.end();
    };
    onDone(res as ServerResponse, () => endChild());
    return context.with(child.context, () =>
      original.call(this, req, res, (err?: unknown) => {
        endChild(err);
        return scope.run(() => done(err));
      }),
    );
  };
}

function findLayers(stack: unknown, depth: number, found: { layer?: object; route?: object }): void {
  if (!Array.isArray(stack) || depth > 8) return;
  for (const l of stack as LayerLike[]) {
    found.layer ??= Object.getPrototypeOf(l) as object;
    if (l.route) {
      found.route ??= Object.getPrototypeOf(l.route) as object;
      found.layer = Object.getPrototypeOf(l) as object;
    } else if (Array.isArray(l.handle?.stack)) findLayers(l.handle.stack, depth + 1, found);
    if (found.route) return;
  }
}

/**
 * Patches Express's Layer and Route prototypes once (found from the app's own router, never by
 * importing express), so every app on that copy of Express reports route templates and handler
 * spans. Until a route exists the search repeats on later requests.
 */
export function instrumentRouting(app: Application, onDone: (res: ServerResponse, fn: () => void) => void): void {
  if (ready.has(app)) return;
  const router = (app as unknown as { _router?: { stack?: unknown }; router?: { stack?: unknown } })._router ?? (app as unknown as { router?: { stack?: unknown } }).router;
  const found: { layer?: object; route?: object } = {};
  findLayers(router?.stack, 0, found);
  if (found.layer) patchLayer(found.layer as Record<string, unknown>);
  if (found.route) {
    patchRoute(found.route as RouteLike, onDone);
    ready.add(app);
  }
}
