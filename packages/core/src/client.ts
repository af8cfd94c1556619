import { detectResource } from './resource/detect.js';
import { waitAtMost } from './lifecycle/wait-at-most.js';
import type { MetricsExporter } from './metrics/exporters.js';
import { startMetrics, type MetricsPipeline } from './metrics/pipeline.js';
import { startLogCorrelation } from './logs/start.js';
import type { Attributes, Tracer, TracerProvider } from '@opentelemetry/api';
import { resolveConfig, type ResolvedConfig } from './config/config.js';
import { ensureContextManager } from './context/context.js';
import { debug, setDebug, warnOnce } from './diag.js';
import { BatchProcessor, LOG_COUNTERS, SPAN_COUNTERS } from './export/batch-processor.js';
import { createExporters } from './export/create-exporter.js';
import { SPAN_WAIT_POLICY } from './export/stage-after-request.js';
import type { LogExporter, LogRecordData } from './export/log-types.js';
import type { ExportMeta, SpanExporter } from './export/types.js';
import { metadataAttributes } from './context/metadata.js';
import { instrumentOutbound } from './http/outbound.js';
import { createRedactor } from './redaction/redactor.js';
import { TracekitSampler } from './sampling/sampler.js';
import { HoldingSink } from './sampling/span-hold.js';
import { nowMs } from './tracing/time.js';
import { registeredTracerProvider, SdkBridgeTracer } from './tracing/sdk-interop.js';
import { installShutdownHooks } from './lifecycle/shutdown.js';
import type { TracekitSpan } from './tracing/span.js';
import { TracekitTracer } from './tracing/tracer.js';
import { startupLine } from './config/startup-line.js';
import { DisabledTracer } from './tracing/disabled-tracer.js';
import type { ClientStats, TracekitOptions } from './types.js';
import { VERSION } from './version.js';
import { CodeInventory, inventoryLogRecord, type CodeInventoryEntry } from './errors/code-inventory.js';
import { ErrorRecorder } from './errors/error-recorder.js';
import { installProcessErrorHooks } from './errors/process-errors.js';
import { captureSnapshot } from './monitoring/capture-snapshot.js';
import type { CodeMonitor } from './monitoring/monitor.js';
import { startCodeMonitoring, stopCodeMonitoring } from './monitoring/start.js';

const CLIENT_KEY = Symbol.for('tracekit.client');
/** How soon a changed code inventory is written (besides every `inventoryIntervalMs`). */
const INVENTORY_CHANGE_DELAY_MS = 1000;
type Global = Record<symbol, TracekitClient | undefined>;

/** Internal overrides, for tests and the testing entry point. */
export interface ClientInternals {
  exporter?: SpanExporter;
  logExporter?: LogExporter;
  env?: Record<string, string | undefined>;
  /** The clock (epoch ms) of sampling's rate limit and slowness; default the process clock. */
  now?: () => number;
  /** Where metrics go instead of the configured exporter (tests). */
  metricsExporter?: MetricsExporter;
}

function buildResource(config: ResolvedConfig, env?: Record<string, string | undefined>): Attributes {
  // Detected once, synchronously, at init (docs/runtime.md): host, process, container, Kubernetes, OTEL_RESOURCE_ATTRIBUTES.
  return detectResource({ serviceName: config.serviceName, ...config.resource, env: env ?? process.env, attributes: config.resourceAttributes });
}

/**
 * The TraceKit client: configuration, tracer and export pipeline. Create it with `init()`;
 * there is one per process (shared by the ESM and CommonJS builds).
 */
export class TracekitClient {
  readonly tracer: Tracer;
  /** RED and runtime metrics (docs/metrics.md), when on. */
  readonly metrics: MetricsPipeline | undefined;
  /** Undoes the log correlation `init()` installed (the console prefix; docs/logs.md). */
  private readonly stopLogs: () => void;
  readonly meta: ExportMeta;
  private readonly counters: ClientStats = {
    spansStarted: 0, spansEnded: 0, spansExported: 0, spansDropped: 0, sampledOut: 0, exportFailures: 0, hookErrors: 0,
    keptByHead: 0, keptByParent: 0, keptByRule: 0, keptByTailError: 0, keptByTailSlow: 0, droppedBySampling: 0, droppedByRateLimit: 0,
    queueSize: 0, spoolBytes: 0, spoolFiles: 0, exportRetries: 0, spansSpooled: 0, spansRejected: 0, spansSpoolDropped: 0, spoolQuarantined: 0,
    aiCalls: 0, aiErrors: 0, aiInputTokens: 0, aiOutputTokens: 0, aiCacheReadTokens: 0, aiCacheWriteTokens: 0, aiCostUsd: 0,
  };
  private readonly processor: BatchProcessor<TracekitSpan>;
  private readonly logProcessor: BatchProcessor<LogRecordData>;
  private readonly removeHooks: () => void;
  private shutdownPromise: Promise<void> | undefined;
  /** The app's OpenTelemetry SDK, when spans go through it (see `useGlobalTracerProvider`, docs/export.md). */
  readonly sdkProvider: TracerProvider | undefined;
  /** Records exceptions and completes their frames, context and fingerprint off the request path (docs/errors.md). */
  readonly errors: ErrorRecorder;
  /** Head, rule, rate-limit and tail sampling; its counters are in `stats()` (docs/sampling.md). */
  readonly sampler: TracekitSampler;
  private readonly inventory: CodeInventory;
  private readonly inventoryTimer: NodeJS.Timeout | undefined;
  private inventorySoon: NodeJS.Timeout | undefined;
  /** Steps that write a module's pending state (code inventory, snapshots, metrics) into the pipeline. */
  private readonly stateWriters: Array<() => void> = [];
  private readonly removeProcessHooks: () => void;
  /** Code monitoring (docs/code-monitoring.md), when `codeMonitoring` is on. */
  readonly monitor: CodeMonitor | undefined;

  constructor(
    readonly config: ResolvedConfig,
    /** The options `init()` was called with, to warn when a later call differs. */
    readonly options: TracekitOptions,
    internals: ClientInternals = {},
  ) {
    setDebug(config.debug);
    ensureContextManager();
    if (config.enabled) instrumentOutbound();
    this.meta = { resource: buildResource(config, internals.env), scope: { name: '@tracekit/core', version: VERSION } };
    this.stopLogs = startLogCorrelation(config);
    this.metrics = startMetrics(config, this.meta, internals.now ?? nowMs, internals.metricsExporter ?? (internals.exporter ? null : undefined));
    const redact = createRedactor(config.redaction, config.captureBody.maxBytes);
    // Metadata and redaction, applied off the request path before any exporter (or the app's SDK) sees a span.
    const prepare = (span: TracekitSpan) => {
      const request = span.request?.metadata;
      const scoped = span.scopedMetadata;
      const metadata = scoped ? (request ? { ...request, ...scoped } : scoped) : request;
      if (metadata) {
        const attrs = metadataAttributes(metadata);
        for (const key in attrs) span.attributes[key] = attrs[key];
      }
      redact(span);
      // The SERVER span is ready: the request's context need not keep it alive any more.
      const owner = span.request;
      if (owner !== undefined && owner.span === span) owner.release?.();
    };
    const built = internals.exporter && internals.logExporter ? undefined : createExporters(config, this.meta, this.counters);
    this.processor = new BatchProcessor<TracekitSpan>(internals.exporter ?? built!.spans, config, this.counters, prepare, SPAN_COUNTERS, SPAN_WAIT_POLICY);
    this.logProcessor = new BatchProcessor<LogRecordData>(
      internals.logExporter ?? built!.logs,
      config,
      this.counters,
      // Event properties, snapshot variables and bodies: key names and value patterns, as for spans.
      (record) => redact.log(record),
      LOG_COUNTERS,
    );
    this.sdkProvider = config.useGlobalTracerProvider && !internals.exporter ? registeredTracerProvider() : undefined;
    const bridge = this.sdkProvider ? new SdkBridgeTracer(this.sdkProvider.getTracer('@tracekit/core', VERSION), prepare, this.counters) : undefined;
    if (bridge) debug('an OpenTelemetry SDK is registered: spans go through its processors and exporters (useGlobalTracerProvider)');
    debug(startupLine(config));
    this.sampler = new TracekitSampler(config, this.counters, internals.now ?? nowMs);
    this.inventory = new CodeInventory(config.serviceName);
    // Written within a second of a change (so a kill -9 loses at most that), and every inventoryIntervalMs.
    this.inventory.onChange = () => {
      this.inventorySoon ??= setTimeout(() => {
        this.inventorySoon = undefined;
        this.emitInventory();
      }, INVENTORY_CHANGE_DELAY_MS).unref();
    };
    this.addStateWriter(() => this.emitInventory());
    // Spans pass through the error recorder, which holds one back only while its errors' details load.
    this.errors = new ErrorRecorder(config, bridge ?? this.processor, this.inventory, this.counters);
    if (bridge) bridge.sink = this.errors;
    this.tracer = !config.enabled ? new DisabledTracer() : (bridge ?? new TracekitTracer(new HoldingSink(this.errors, this.counters), this.sampler, this.counters));
    this.removeHooks = config.handleShutdown
      ? installShutdownHooks(
          {
            flush: () => this.flush(),
            end: () => this.shutdown(),
            flushSync: () => {
              this.flushSync();
            },
            pending: () => this.errors.busy || this.processor.busy || this.logProcessor.busy,
          },
          config.shutdownTimeoutMs,
        )
      : () => undefined;
    this.removeProcessHooks = config.captureUncaught && config.enabled ? installProcessErrorHooks(this) : () => undefined;
    this.inventoryTimer = config.inventoryIntervalMs > 0 ? setInterval(() => this.emitInventory(), config.inventoryIntervalMs).unref() : undefined;
    this.monitor = config.codeMonitoring && config.enabled ? startCodeMonitoring(config, this, redact.tools, internals.now) : undefined;
  }

  /** `captureSnapshot` (code monitoring, docs/code-monitoring.md), as a client method. Never throws. */
  captureSnapshot(label: string, variables?: Record<string, unknown> | (() => unknown)): void {
    captureSnapshot(label, variables);
  }

  /** The pipeline's counters. */
  stats(): ClientStats {
    return { ...this.counters, queueSize: this.processor.queueSize, ...this.monitor?.stats() };
  }

  /** The writable counters, for core's own modules. */
  get mutableStats(): ClientStats {
    return this.counters;
  }

  /**
   * Queues a log record (a custom event, a code-inventory entry, a snapshot) for the logs
   * signal. Never blocks and never throws; a full queue drops and counts.
   */
  emitLog(record: LogRecordData): void {
    this.logProcessor.add(record);
  }

  /**
   * Code discovery: every in-app place (file relative to the app root, function, line) seen in
   * captured errors, with first and last sighting and a count, the most frequent first. Bounded
   * to 1000 places (the least recently seen are dropped).
   *
   * @example
   * for (const e of tracekit.getClient()!.codeInventory()) console.log(`${e.file}:${e.line} ${e.function} ×${e.count}`);
   */
  codeInventory(): CodeInventoryEntry[] {
    return this.inventory.list();
  }

  /** Writes the inventory entries changed since the last call to the logs store (`tracekit.code_inventory` records). */
  emitInventory(): void {
    const now = Date.now();
    for (const entry of this.inventory.takeChanged()) this.emitLog(inventoryLogRecord(entry, now));
  }

  /**
   * Registers a step that writes a module's pending state into the export pipeline (code
   * inventory, snapshots, metrics): it runs on every flush and exactly once per ending of the
   * process, whichever it is (signal, `process.exit`, natural exit, `shutdown()`). Synchronous;
   * a step that throws is reported with `debug` and skipped.
   */
  addStateWriter(step: () => void): void {
    this.stateWriters.push(step);
  }

  private writeState(): void {
    for (const step of this.stateWriters) {
      try {
        step();
      } catch (e) {
        debug(`writing pending state failed: ${String(e)}`);
      }
    }
  }

  /** Finishes pending error details and writes everything buffered synchronously: only for the process's last moments. */
  flushSync(): void {
    this.errors.settleSync();
    this.writeState();
    this.processor.flushSync();
    this.logProcessor.flushSync();
    this.metrics?.exportSync();
  }

  /**
   * Exports everything buffered now, within `shutdownTimeoutMs` (default 5 s): what the OTLP
   * exporter cannot deliver by then is spooled. With an app SDK, its `forceFlush` runs too.
   */
  async flush(timeoutMs: number = this.config.shutdownTimeoutMs): Promise<void> {
    await this.monitor?.idle();
    await this.errors.idle();
    this.writeState();
    await Promise.all([this.processor.forceFlush(timeoutMs), this.logProcessor.forceFlush(timeoutMs), this.flushSdk(timeoutMs)]);
  }

  private async flushSdk(timeoutMs: number): Promise<void> {
    const provider = this.sdkProvider as (TracerProvider & { forceFlush?: () => Promise<unknown> }) | undefined;
    if (typeof provider?.forceFlush !== 'function') return;
    await waitAtMost(provider.forceFlush().catch(() => undefined), timeoutMs);
  }

  /** Flushes and stops the pipeline; later spans are dropped. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      this.removeHooks();
      this.removeProcessHooks();
      this.stopLogs();
      clearInterval(this.inventoryTimer);
      clearTimeout(this.inventorySoon);
      stopCodeMonitoring(this.monitor);
      await this.monitor?.idle();
      await this.errors.idle();
      this.writeState();
      const timeoutMs = this.config.shutdownTimeoutMs;
      await Promise.all([this.processor.shutdown(timeoutMs), this.logProcessor.shutdown(timeoutMs), this.flushSdk(timeoutMs), this.metrics?.shutdown(timeoutMs)]);
    })();
    return this.shutdownPromise;
  }
}

/**
 * Starts TraceKit. Idempotent: a second call returns the same client (and warns if its options
 * differ). Invalid configuration throws a `TracekitConfigError` naming the option or variable.
 *
 * @example
 * import * as tracekit from '@tracekit/express';
 * tracekit.init({ serviceName: 'shop', sampleRate: 0.5 });
 */
export function init(options: TracekitOptions = {}, internals: ClientInternals = {}): TracekitClient {
  const g = globalThis as Global;
  const existing = g[CLIENT_KEY];
  if (existing) {
    if (JSON.stringify(options) !== JSON.stringify(existing.options)) {
      warnOnce('TK_INIT_TWICE', 'init() was called again with different options; the first configuration stays in force');
    }
    return existing;
  }
  const config = resolveConfig(options, internals.env ?? process.env);
  const client = new TracekitClient(config, options, internals);
  g[CLIENT_KEY] = client;
  return client;
}

/** The client, if `init()` ran (or an adapter started it lazily). */
export function getClient(): TracekitClient | undefined {
  return (globalThis as Global)[CLIENT_KEY];
}

/** The client, created from the environment when the app did not call `init()`. */
export function ensureClient(): TracekitClient {
  return getClient() ?? init();
}

/** Exports everything buffered now. */
export function flush(): Promise<void> {
  return getClient()?.flush() ?? Promise.resolve();
}

/** Flushes and stops TraceKit; a later `init()` starts a new client. */
export async function shutdown(): Promise<void> {
  const client = getClient();
  if (!client) return;
  await client.shutdown();
  if ((globalThis as Global)[CLIENT_KEY] === client) (globalThis as Global)[CLIENT_KEY] = undefined;
}
