import { context, SpanKind, SpanStatusCode, trace, type Link, type Tracer } from '@opentelemetry/api';
import { debug } from '../diag.js';
import { errorMessage, errorType } from './exception.js';
import type { LogRecordData } from '../export/log-types.js';
import type { ErrorRecorder } from './error-recorder.js';

/** The event name of the log record written for a process-level error. */
export const EXCEPTION_EVENT = 'tracekit.exception';

/** What the process hooks need from the client. */
export interface ProcessErrorTarget {
  readonly tracer: Tracer;
  readonly errors: ErrorRecorder;
  emitLog(record: LogRecordData): void;
  flushSync(): void;
}

/** Node's `--unhandled-rejections` mode, from `NODE_OPTIONS` and then the command line (the later wins, as in Node). */
export function unhandledRejectionsMode(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): string {
  let mode = 'throw';
  const scan = (args: readonly string[]) => {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (arg.startsWith('--unhandled-rejections=')) mode = arg.slice('--unhandled-rejections='.length);
      else if (arg === '--unhandled-rejections' && args[i + 1] !== undefined) mode = args[++i]!;
    }
  };
  scan(nodeOptions.split(/\s+/).filter(Boolean));
  scan(execArgv);
  return mode;
}

/** Modes in which an `unhandledRejection` listener changes nothing about what Node prints or how it exits. */
const LISTENING_IS_HARMLESS = new Set(['warn', 'none']);

/** OpenTelemetry's FATAL severity: the process is about to end. */
const FATAL = 21;
const ERROR = 17;

/**
 * `captureUncaught`: records uncaught exceptions and unhandled rejections and writes them out
 * synchronously, without changing what Node does with them.
 *
 * - Uncaught exceptions (and unhandled rejections Node turns into them, the default `throw`
 *   mode) are observed with `uncaughtExceptionMonitor`, which Node provides for exactly this:
 *   it runs before Node's own handling and cannot change it.
 * - An `unhandledRejection` listener would change Node's behaviour in the `throw`, `strict` and
 *   `warn-with-error-code` modes (a listener marks the rejection handled). There TraceKit listens
 *   only while the app has a listener of its own (nothing changes, since the rejection is handled
 *   anyway); in the `warn` and `none` modes, where listeners change nothing, it always listens.
 *
 * Each error becomes a root span named after its origin (`uncaughtException`,
 * `unhandledRejection`) with an `exception` event, linked to the span that was active, and a
 * `tracekit.exception` log record (not subject to sampling). Both are flushed synchronously,
 * since the process may end right after. Returns a function that removes the hooks.
 */
export function installProcessErrorHooks(target: ProcessErrorTarget): () => void {
  const seen = new WeakSet<object>();
  const record = (err: unknown, origin: string) => {
    try {
      if (err !== null && typeof err === 'object') {
        // In the `strict` mode a rejection can reach both hooks; record it once.
        if (seen.has(err)) return;
        seen.add(err);
      }
      const fatal = origin === 'uncaughtException' ? process.listenerCount('uncaughtException') === 0 : false;
      const active = trace.getSpan(context.active())?.spanContext();
      const links: Link[] | undefined = active ? [{ context: active }] : undefined;
      const span = target.tracer.startSpan(origin, { kind: SpanKind.INTERNAL, root: true, links, attributes: { 'tracekit.error.origin': origin } });
      target.errors.record(span, err);
      span.setAttribute('error.type', errorType(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
      span.end();
      const attributes = target.errors.attributesFor(err);
      attributes['tracekit.error.origin'] = origin;
      const ctx = span.spanContext();
      target.emitLog({
        time: Date.now(),
        eventName: EXCEPTION_EVENT,
        severityNumber: fatal ? FATAL : ERROR,
        severityText: fatal ? 'FATAL' : 'ERROR',
        body: errorMessage(err),
        attributes,
        ...(span.isRecording() ? { traceId: ctx.traceId, spanId: ctx.spanId } : {}),
      });
      target.flushSync();
    } catch (e) {
      debug(`recording a process-level error failed: ${String(e)}`);
    }
  };

  const onMonitor = (err: unknown, origin: string) => record(err, origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaughtException');
  const onRejection = (reason: unknown) => record(reason, 'unhandledRejection');
  const alwaysListen = LISTENING_IS_HARMLESS.has(unhandledRejectionsMode());
  let listening = false;
  const listen = (on: boolean) => {
    if (on === listening) return;
    listening = on;
    if (on) process.on('unhandledRejection', onRejection);
    else process.removeListener('unhandledRejection', onRejection);
  };
  const appListeners = () => process.listeners('unhandledRejection').filter((l) => l !== onRejection).length;
  // 'newListener' fires just before the app's listener is added: ours can join it at once.
  const onNewListener = (event: string | symbol, listener: unknown) => {
    if (event === 'unhandledRejection' && listener !== onRejection) listen(true);
  };
  // 'removeListener' fires after the removal: stop when the app's last listener is gone.
  const onRemoveListener = (event: string | symbol) => {
    if (event === 'unhandledRejection' && !alwaysListen && appListeners() === 0) listen(false);
  };

  process.on('uncaughtExceptionMonitor', onMonitor);
  if (alwaysListen || appListeners() > 0) listen(true);
  if (!alwaysListen) {
    process.on('newListener', onNewListener);
    process.on('removeListener', onRemoveListener);
  }
  return () => {
    process.removeListener('uncaughtExceptionMonitor', onMonitor);
    process.removeListener('newListener', onNewListener);
    process.removeListener('removeListener', onRemoveListener);
    listen(false);
  };
}
