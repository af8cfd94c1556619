import { type Context } from '@opentelemetry/api';
import { ensureClient, getClient } from '../client.js';
import { resolveConfig } from '../config/config.js';
import { warnOnce } from '../diag.js';
import { configError } from '../config/config-errors.js';
import { safeCall } from './hooks.js';
import { compilePathRules, type PathMatcher } from '../http/ignore.js';
import { RequestScope, type ResponseInfo, type ScopeSettings } from './lifecycle.js';
import type { AdapterOptions, RequestInfo } from '../types.js';

/** What an adapter gets from {@link createAdapter}: the only entry point into core it needs. */
export interface AdapterRuntime<Req, Res> {
  /** The header the request ID travels in (lower-case). */
  readonly requestIdHeader: string;
  /**
   * Starts tracing a request, or returns `undefined` when TraceKit is disabled or the request
   * is ignored. Never throws.
   */
  start(req: Req, info: RequestInfo, parent?: Context): RequestScope | undefined;
  /** Ends the request: runs the responseHook safely, then `scope.end`. Never throws. */
  end(scope: RequestScope, res: Res, response: ResponseInfo): void;
}

/** The options every adapter takes (DESIGN.md section 2). */
const ADAPTER_OPTIONS = ['ignore', 'requestIdHeader', 'captureHeaders', 'spanName', 'requestHook', 'responseHook'] as const;

function validateOptions(framework: string, options: AdapterOptions<unknown, unknown>, frameworkKeys: readonly string[]): void {
  if (options === null || typeof options !== 'object') throw configError('TK_CONFIG_OBJECT', { label: `${framework}(options)`, value: options }, 'an object of adapter options');
  // A misspelt option (`ignores`, `requestIDHeader`) would otherwise be ignored without a word.
  for (const key of Object.keys(options)) {
    if (!(ADAPTER_OPTIONS as readonly string[]).includes(key) && !frameworkKeys.includes(key)) {
      throw configError('TK_CONFIG_UNKNOWN_ADAPTER_OPTION', { label: `${framework}({ ${key} })`, value: (options as Record<string, unknown>)[key] }, ADAPTER_OPTIONS);
    }
  }
  const label = (k: string) => ({ label: `${framework}({ ${k} })`, value: (options as Record<string, unknown>)[k] });
  for (const k of ['spanName', 'requestHook', 'responseHook'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'function') throw configError('TK_CONFIG_FUNCTION', label(k));
  }
  if (options.requestIdHeader !== undefined && (typeof options.requestIdHeader !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(options.requestIdHeader))) {
    throw configError('TK_CONFIG_STRING', label('requestIdHeader'));
  }
  const ch = options.captureHeaders;
  if (ch !== undefined && (typeof ch !== 'object' || ch === null || [ch.request, ch.response].some((l) => l !== undefined && (!Array.isArray(l) || l.some((h) => typeof h !== 'string'))))) {
    throw configError('TK_CONFIG_OBJECT', label('captureHeaders'), '{ request?: string[], response?: string[] }');
  }
  const ig = options.ignore;
  if (ig !== undefined && typeof ig !== 'function' && typeof ig !== 'string' && !(ig instanceof RegExp) && !Array.isArray(ig)) {
    throw configError('TK_CONFIG_OBJECT', label('ignore'), 'a path, a glob, a RegExp, an array of them, or a predicate');
  }
}

/** Starts the client from the environment if the app has not called init() by now. Never throws. */
function startLazily(): void {
  try {
    if (!getClient()) ensureClient();
  } catch (e) {
    warnOnce('TK_START_FAILED', `could not start TraceKit: ${String(e)}`);
  }
}

/**
 * The shared half of every adapter: option validation (at construction, so bad options fail
 * fast), ignore rules, request IDs, user hooks run safely, and the request lifecycle. The
 * adapter itself only maps its framework's hooks onto `start`, `scope.run`, `scope.setRoute`,
 * `scope.recordError` and `end`.
 *
 * `frameworkKeys` are keys the framework itself puts in the options object (Fastify's plugin
 * options); any other key that is not an adapter option fails fast.
 */
export function createAdapter<Req, Res>(framework: string, options: AdapterOptions<Req, Res> = {}, frameworkKeys: readonly string[] = []): AdapterRuntime<Req, Res> {
  validateOptions(framework, options as AdapterOptions<unknown, unknown>, frameworkKeys);
  // Fail fast on a bad environment here, at setup, rather than at the first request. The
  // client itself starts on the next turn of the event loop (or at the first request, if that
  // comes first), so an init() call made after the adapter in the app's setup code still wins,
  // and what runs beside requests (code monitoring and probes, metrics, the breakpoints file)
  // is up before the first request rather than after it.
  if (!getClient()) {
    resolveConfig({});
    setImmediate(startLazily);
  }
  const ignoreFn = typeof options.ignore === 'function' ? options.ignore : undefined;
  const ignorePath: PathMatcher | undefined = typeof options.ignore === 'function' ? undefined : compilePathRules(options.ignore);
  const settings: ScopeSettings = {
    framework,
    requestIdHeader: (options.requestIdHeader ?? 'x-request-id').toLowerCase(),
    captureRequestHeaders: (options.captureHeaders?.request ?? []).map((h) => h.toLowerCase()),
    captureResponseHeaders: (options.captureHeaders?.response ?? []).map((h) => h.toLowerCase()),
  };
  const { requestHook, responseHook, spanName } = options;

  const isIgnored = (req: Req, info: RequestInfo): boolean => {
    if (ignorePath) {
      const q = info.target.indexOf('?');
      if (ignorePath(q < 0 ? info.target : info.target.slice(0, q))) return true;
    }
    if (ignoreFn) {
      try {
        return ignoreFn(req) === true;
      } catch {
        ensureClient().mutableStats.hookErrors++;
      }
    }
    return false;
  };

  return {
    requestIdHeader: settings.requestIdHeader,
    start(req, info, parent) {
      try {
        const client = ensureClient();
        if (!client.config.enabled || isIgnored(req, info)) return undefined;
        const scope = new RequestScope(client, info, settings, parent);
        safeCall(client.mutableStats, 'requestHook', requestHook, scope.span, req);
        if (spanName) {
          scope.beforeEnd = (span) => {
            try {
              const name = spanName(req);
              // beforeEnd runs after the scope names the span, so rename it here as well.
              if (typeof name === 'string' && name !== '') {
                scope.nameOverride = name;
                span.updateName(name);
              }
            } catch {
              client.mutableStats.hookErrors++;
            }
          };
        }
        return scope;
      } catch (e) {
        // Tracing must never break the request; the failure is reported once.
        warnOnce('TK_START_FAILED', `could not start tracing a request: ${String(e)}`);
        return undefined;
      }
    },
    end(scope, res, response) {
      try {
        const client = ensureClient();
        if (scope.beforeEnd) {
          const naming = scope.beforeEnd;
          scope.beforeEnd = (span) => {
            naming(span);
            safeCall(client.mutableStats, 'responseHook', responseHook, span, res);
          };
        } else if (responseHook) {
          scope.beforeEnd = (span) => safeCall(client.mutableStats, 'responseHook', responseHook, span, res);
        }
        scope.end(response);
      } catch {
        // Ending a span must never affect the response.
      }
    },
  };
}
