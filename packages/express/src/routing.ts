import { context } from '@opentelemetry/api';
import { recordException } from '@tracekit/core';
import type { Application } from 'express';
import type { ServerResponse } from 'node:http';
import { MOUNTS, SCOPE, type LayerLike, type RouteLike, type TracedRequest } from './internal-types.js';

type Next = (err?: unknown) => unknown;
type HandleFn = (this: LayerLike, req: TracedRequest, res: ServerResponse, next: Next) => unknown;

const patched = new WeakSet<object>();
const ready = new WeakSet<object>();

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
    const child = scope.startChild(`handler ${name}`, { 'code.function.name': name, 'http.route': scope.route ?? '' });
    let ended = false;
    const endChild = (err?: unknown) => {
      if (ended) return;
      ended = true;
      if (err !== undefined && err !== 'route' && err !== 'router') {
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
