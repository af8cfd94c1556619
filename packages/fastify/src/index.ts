import type { Span } from '@opentelemetry/api';
import { createAdapter, handlerName, nodeRequestInfo, nodeResponseInfo, onResponseDone, runIn, type AdapterOptions, type AdapterRuntime, type RequestScope, type ResponseWatcher } from '@tracekit/core/adapter';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export * from '@tracekit/core';

/** Options of {@link tracekitPlugin}: the options every TraceKit adapter takes, over Fastify's request and reply. */
export type FastifyOptions = AdapterOptions<FastifyRequest, FastifyReply>;

const STATE = Symbol.for('tracekit.fastify.state');
/** Options Fastify's `register()` itself reads from the same object. */
const FASTIFY_REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'];

/**
 * What TraceKit keeps on a traced request. It is also what the response's end calls back
 * (`responseDone`), so a request costs this one object rather than closures.
 */
class RequestTrace implements ResponseWatcher {
  /** The route handler's child span, from preHandler to onSend. */
  child: Span | undefined = undefined;
  /** The route handler's function name (`''` when anonymous), when a route matched. */
  handler: string | undefined = undefined;
  /** The route (and handler) is known: set by the route's own hook, or read in preHandler. */
  routed = false;

  constructor(
    readonly runtime: AdapterRuntime<FastifyRequest, FastifyReply>,
    readonly scope: RequestScope,
    readonly reply: FastifyReply,
  ) {}

  /** The matched route's template and handler. The not-found handler has no url: its span keeps the method alone as its name. */
  route(url: string | undefined, handler: string): void {
    this.routed = true;
    if (typeof url !== 'string' || url === '') return;
    this.scope.setRoute(url);
    this.handler = handler;
  }

  /** Reads the route from Fastify (a route registered before the plugin, or a request that failed before its route's hooks ran). */
  routeFromOptions(): void {
    const route = this.reply.request.routeOptions as FastifyRequest['routeOptions'] | undefined;
    this.route(route?.url, handlerName(route?.handler));
  }

  responseDone(aborted: boolean): void {
    try {
      if (!this.routed) this.routeFromOptions();
      endHandler(this);
    } catch {
      // the adapter's last look at the request must not stop the span from ending
    }
    this.runtime.end(this.scope, this.reply, nodeResponseInfo(this.reply.raw, aborted));
  }
}

type TracedRequest = FastifyRequest & { [STATE]: RequestTrace | null };


const traceOf = (request: FastifyRequest) => (request as TracedRequest)[STATE];

function endHandler(state: RequestTrace): void {
  if (!state.child) return;
  state.child.end();
  state.child = undefined;
}

// Async, so that a bad option rejects `register` (avvio catches a rejection, not a throw in a callback plugin).
const tracekitFastify: FastifyPluginAsync<FastifyOptions> = async (fastify: FastifyInstance, options) => {
  // Fastify's own register() options may sit beside TraceKit's.
  const runtime = createAdapter<FastifyRequest, FastifyReply>('fastify', options, FASTIFY_REGISTER_OPTIONS);
  // Registered already (here or in a parent context): its hooks cover every route.
  if (fastify.hasRequestDecorator(STATE)) return;
  // A decorator keeps the request's shape stable (Fastify's advice for per-request state).
  fastify.decorateRequest(STATE, null);

  // onRequest runs after routing, so the route template is known; calling `next` inside the
  // request's context carries that context through the hooks that follow and the handler
  // (Fastify's body parser keeps the caller's async context with an AsyncResource).
  fastify.addHook('onRequest', (request, reply, next) => {
    const traced = request as TracedRequest;
    if (traced[STATE]) return next();
    const scope = runtime.start(request, nodeRequestInfo(request.raw, request.originalUrl));
    if (!scope) return next();
    const state = new RequestTrace(runtime, scope, reply);
    traced[STATE] = state;
    reply.header(runtime.requestIdHeader, scope.requestId);
    onResponseDone(reply.raw, state);
    scope.run(next);
  });

  // Every route registered from here on gets a route-level onRequest hook that knows its
  // template and handler, so a request does not read `request.routeOptions` (a getter that
  // builds a 12-field object and asks the router about version constraints on every read).
  fastify.addHook('onRoute', (routeOptions) => {
    const url = routeOptions.url;
    // Read once per route: a function's `name` is an accessor that costs a call into V8's
    // runtime on every read (docs/performance.md, round 10).
    const name = handlerName(routeOptions.handler);
    const routeHook = (request: FastifyRequest, _reply: FastifyReply, next: () => void): void => {
      const state = traceOf(request);
      if (state && !state.routed) state.route(url, name);
      next();
    };
    const own = routeOptions.onRequest;
    (routeOptions as { onRequest?: unknown }).onRequest = own === undefined ? [routeHook] : [routeHook, ...(Array.isArray(own) ? own : [own])];
  });

  fastify.addHook('preHandler', (request, _reply, next) => {
    const state = traceOf(request);
    if (!state) return next();
    // A route registered before the plugin has no route hook: its route is read here
    // (routeOptions exists from Fastify 4.10).
    if (!state.routed) state.routeFromOptions();
    if (state.handler === undefined || state.scope.isEnded) return next();
    const child = state.scope.startHandler(state.handler);
    state.child = child.span;
    // A dropped request's handler context is the request's, already active (onRequest entered it).
    runIn(child.context, next);
  });

  // Errors thrown by handlers and hooks (and 4xx errors, which the policy leaves unrecorded).
  fastify.addHook('onError', (request, _reply, error, next) => {
    const state = traceOf(request);
    if (state?.child) state.scope.recordChildError(state.child, error);
    else state?.scope.recordError(error);
    next();
  });

  fastify.addHook('onSend', (request, _reply, payload, next) => {
    const state = traceOf(request);
    if (state) endHandler(state);
    next(null, payload);
  });

  // connectionTimeout hung up the socket: end the request now, reporting why. Only with a
  // connectionTimeout, since any onTimeout hook costs Fastify a socket listener per request.
  if (fastify.initialConfig.connectionTimeout) {
    fastify.addHook('onTimeout', (request, reply, next) => {
      const state = traceOf(request);
      if (state) {
        if (!state.routed) state.routeFromOptions();
        endHandler(state);
        runtime.end(state.scope, reply, { statusCode: reply.raw.statusCode, aborted: true, abortReason: 'timeout' });
      }
      next();
    });
  }
};

/**
 * Traces every request of a Fastify 4 or 5 app. Encapsulation-free (fastify-plugin), so it
 * covers every route, including those of plugins registered after it and the not-found handler.
 *
 * @example
 * import Fastify from 'fastify';
 * import { tracekitPlugin } from '@tracekit/fastify';
 * const app = Fastify();
 * await app.register(tracekitPlugin, { ignore: ['/health'] });
 * app.get('/users/:id', async function getUser(request) { ... });
 */
export const tracekitPlugin = fp(tracekitFastify, { name: '@tracekit/fastify', fastify: '4.x || 5.x' });

/** The request's TraceKit scope, if it is traced. */
export function getRequestScope(request: FastifyRequest): RequestScope | undefined {
  return traceOf(request)?.scope;
}
