import { gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { debug, warnOnce } from '../diag.js';
import type { OtlpCompression, OtlpProtocol } from '../types.js';
import { VERSION } from '../version.js';
import type { BatchExporter, CounterNames, PipelineCounters } from './batch-processor.js';
import { HttpTransport, type HttpAnswer } from './http-transport.js';
import { CONTENT_TYPES, rejectedItems } from './otlp-encoding.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry-policy.js';
import type { Signal, SpoolPayload } from './spool-file.js';
import type { Spool, SpoolEntry } from './spool.js';

const gzipAsync = promisify(gzip);

/** Options of {@link OtlpHttpExporter}; the client builds them from the configuration. */
export interface OtlpExporterOptions<T> {
  signal: Signal;
  /** The full URL (`…/v1/traces` or `…/v1/logs`). */
  url: string;
  protocol: OtlpProtocol;
  compression: OtlpCompression;
  /** `apiKey` and `OTEL_EXPORTER_OTLP_HEADERS`, already merged. */
  headers: Record<string, string>;
  /** Upper bound of one request. Default 10 s. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** Where undeliverable batches go; none means they are dropped (and counted). */
  spool: Spool | undefined;
  /** Encodes a batch in `protocol`. */
  encode(items: readonly T[]): Uint8Array;
  /**
   * Encodes items as they are staged (see `BatchExporter.stage`), so they are not kept until the
   * batch is due; `finish` gives the encoded batch and its item count. Without it, batches are
   * encoded when due.
   */
  stager?: ExportStager<T>;
  counters: PipelineCounters;
  names: CounterNames;
}

/** Encodes items as they are staged; `finish` gives the encoded batch and its item count (undefined when nothing is staged). */
export interface ExportStager<T> {
  stage(items: readonly T[]): void;
  finish(): { body: Uint8Array; count: number } | undefined;
}

/** How one delivery ended. */
type Outcome =
  | { kind: 'ok'; answer: HttpAnswer }
  | { kind: 'retryable'; reason: string; retryAfterMs?: number }
  | { kind: 'rejected'; status: number; reason: string };

/** A batch between `export` and its outcome, so the `exit` event can still spool it. */
interface Pending<T> {
  /** The items, when the batch is not encoded yet. */
  items: readonly T[] | undefined;
  /** The encoded request (before compression). */
  encoded: Uint8Array | undefined;
  /** What is sent: `encoded`, compressed when configured. */
  body: Uint8Array | undefined;
  count: number;
}

/** An export that did not deliver, already reported by the exporter (the pipeline only counts it). */
export class ExportNotDeliveredError extends Error {
  readonly reported = true;
}

/**
 * OTLP/HTTP for one signal (`/v1/traces` or `/v1/logs`): protobuf or JSON, gzip, retries with
 * full-jitter backoff honouring `Retry-After` on network errors, 429, 502, 503 and 504, and the
 * disk spool. When a batch still fails after its retries the endpoint is considered down:
 * later batches go straight to the spool (no request waits on a dead endpoint), and a probe,
 * backing off the same way, replays the oldest spool file until one is accepted; then the
 * spool is replayed oldest-first while new batches are sent directly again.
 */
export class OtlpHttpExporter<T> implements BatchExporter<T> {
  private readonly url: URL;
  private readonly transport = new HttpTransport();
  private readonly contentType: string;
  private down = false;
  private closed = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private probeAttempt = 0;
  private replaying: Promise<void> | undefined;
  private deadline: number | undefined;
  private readonly sleepers = new Set<() => void>();
  private readonly pending = new Set<Pending<T>>();
  /** With a stager (see `OtlpExporterOptions.stager`), the batch processor stages items here as they are ready. */
  readonly stage?: (items: T[]) => void;
  readonly sealStaged?: () => boolean;
  readonly flushStaged?: (deadline?: number) => Promise<void>;
  readonly flushStagedSync?: () => void;

  constructor(private readonly o: OtlpExporterOptions<T>) {
    this.url = new URL(o.url);
    this.contentType = CONTENT_TYPES[o.protocol];
    for (const key of ['retries', 'spooled', 'rejected', 'spoolDropped'] as const) o.counters[o.names[key]] ??= 0;
    if (o.spool) void o.spool.ready().then(() => this.kickReplay());
    const stager = o.stager;
    if (stager) {
      this.stage = (items) => stager.stage(items);
      // Batches sealed while an export was in flight (BatchExporter.sealStaged), oldest first.
      const sealed: Array<{ body: Uint8Array; count: number }> = [];
      this.sealStaged = () => {
        const batch = stager.finish();
        if (batch) sealed.push(batch);
        return batch !== undefined;
      };
      this.flushStaged = (deadline) => {
        const batch = sealed.shift() ?? stager.finish();
        return batch ? this.send({ items: undefined, encoded: batch.body, body: undefined, count: batch.count }, deadline) : Promise.resolve();
      };
      // The process's `exit` event (or a flush past its deadline): spooled synchronously, as `exportSync` does.
      this.flushStagedSync = () => {
        const batch = sealed.shift() ?? stager.finish();
        if (!batch) return;
        this.spoolSync({ items: undefined, encoded: batch.body, body: undefined, count: batch.count });
        throw new ExportNotDeliveredError('spooled at exit');
      };
    }
  }

  export(items: T[], deadline?: number): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return this.send({ items, encoded: undefined, body: undefined, count: items.length }, deadline);
  }

  /** Delivers one batch (encoding and compressing it first when needed), or spools it. */
  private async send(p: Pending<T>, deadline?: number): Promise<void> {
    this.pending.add(p);
    try {
      p.encoded ??= this.o.encode(p.items!);
      p.body = this.o.compression === 'gzip' ? await gzipAsync(p.encoded) : p.encoded;
      if (!(this.down && this.o.spool)) {
        const outcome = await this.deliver(p.body, this.contentType, this.o.compression === 'gzip', deadline);
        if (outcome.kind === 'ok') {
          this.accepted(outcome.answer, p.count);
          if (this.o.spool?.oldest(this.o.signal)) this.kickReplay();
          return;
        }
        if (outcome.kind === 'rejected') {
          this.rejected(outcome, p.count);
          throw new ExportNotDeliveredError(outcome.reason);
        }
        if (!this.o.spool) {
          warnOnce(`TK_OTLP_FAILED_${this.o.signal}`, `${this.url.href} failed (${outcome.reason}) after ${this.o.retry.maxRetries} retries; the batch was dropped (the spool is off)`);
          throw new ExportNotDeliveredError(outcome.reason);
        }
        this.markDown(outcome);
      }
      await this.toSpool(p.body, p.count);
      throw new ExportNotDeliveredError('spooled');
    } finally {
      this.pending.delete(p);
    }
  }

  /** For the process's `exit` event: encode and spool synchronously (nothing asynchronous runs any more). */
  exportSync(items: T[]): void {
    if (items.length === 0) return;
    this.spoolSync({ items, encoded: undefined, body: undefined, count: items.length });
    throw new ExportNotDeliveredError('spooled at exit');
  }

  /** For the process's `exit` event: spool the batches still in flight (at-least-once). */
  drainSync(): void {
    for (const p of this.pending) this.spoolSync(p);
    this.pending.clear();
  }

  /** A flush or shutdown must end by `deadline`: cut waits and requests short; `undefined` lifts it. */
  setDeadline(deadline: number | undefined): void {
    this.deadline = deadline;
    if (deadline === undefined) return;
    this.transport.shortenAll(deadline);
    for (const wake of [...this.sleepers]) wake();
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    for (const wake of [...this.sleepers]) wake();
    this.transport.destroy();
    await this.replaying;
  }

  /** One delivery with its retries. */
  private async deliver(body: Uint8Array, contentType: string, gzipped: boolean, deadline?: number, maxRetries = this.o.retry.maxRetries): Promise<Outcome> {
    const headers: Record<string, string> = { 'user-agent': `tracekit-node/${VERSION}`, ...this.o.headers, 'content-type': contentType };
    if (gzipped) headers['content-encoding'] = 'gzip';
    for (let attempt = 0; ; attempt++) {
      if (this.closed) return { kind: 'retryable', reason: 'the exporter was shut down' };
      const limit = this.limit(deadline);
      const remaining = limit - Date.now();
      if (remaining <= 0) return { kind: 'retryable', reason: 'the flush deadline passed' };
      let outcome: Outcome;
      try {
        outcome = classify(await this.transport.post(this.url, body, headers, Math.min(this.o.timeoutMs, remaining)).result);
      } catch (e) {
        outcome = { kind: 'retryable', reason: e instanceof Error ? e.message || e.name : String(e) };
      }
      if (outcome.kind !== 'retryable' || attempt >= maxRetries || this.closed) return outcome;
      const delay = outcome.retryAfterMs ?? backoffDelay(attempt, this.o.retry);
      // A long Retry-After is better waited out on disk than in the queue.
      if (delay > this.o.retry.maxDelayMs || Date.now() + delay >= this.limit(deadline)) return outcome;
      this.o.counters[this.o.names.retries]!++;
      debug(`${this.url.href}: ${outcome.reason}; retry ${attempt + 1} in ${delay} ms`);
      await this.sleep(delay);
    }
  }

  private limit(deadline: number | undefined): number {
    return Math.min(deadline ?? Infinity, this.deadline ?? Infinity);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.sleepers.add(wake);
    });
  }

  private accepted(answer: HttpAnswer, items: number): void {
    const rejected = rejectedItems(this.o.signal, this.o.protocol, answer.body);
    if (rejected > 0) {
      this.o.counters[this.o.names.rejected]! += rejected;
      warnOnce(`TK_OTLP_PARTIAL_${this.o.signal}`, `${this.url.href} accepted a batch of ${items} but rejected ${rejected}; see client.stats()`);
    }
  }

  private rejected(outcome: Extract<Outcome, { kind: 'rejected' }>, items: number): void {
    this.o.counters[this.o.names.rejected]! += items;
    warnOnce(`TK_OTLP_REJECTED_${this.o.signal}_${outcome.status}`, `${this.url.href} refused a batch of ${items} (${outcome.reason}); it is not retried`);
  }

  private markDown(outcome: Extract<Outcome, { kind: 'retryable' }>): void {
    if (!this.down) {
      this.down = true;
      this.probeAttempt = 0;
      warnOnce(`TK_OTLP_DOWN_${this.o.signal}`, `${this.url.href} is not answering (${outcome.reason}); batches go to the spool ${this.o.spool?.options.dir} until it does`);
    }
    this.scheduleProbe(outcome.retryAfterMs ?? 0);
  }

  private scheduleProbe(atLeastMs: number): void {
    if (this.closed || this.probeTimer || this.replaying) return;
    const delay = Math.max(atLeastMs, backoffDelay(this.probeAttempt++, this.o.retry));
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      this.kickReplay();
    }, delay);
    this.probeTimer.unref();
  }

  private kickReplay(): void {
    if (this.replaying || this.closed || !this.o.spool) return;
    this.replaying = this.replay()
      .catch((e: unknown) => debug(`spool replay failed: ${String(e)}`))
      .finally(() => {
        this.replaying = undefined;
      });
  }

  /**
   * Sends spool files oldest-first. While the endpoint is down, one attempt per probe; once a
   * file is accepted, the rest follow with the normal retries.
   */
  private async replay(): Promise<void> {
    const spool = this.o.spool!;
    await spool.ready();
    let retryAfterMs = 0;
    while (!this.closed) {
      const entry = spool.oldest(this.o.signal);
      if (!entry) {
        // Nothing left to prove the endpoint with: the next live batch will.
        this.down = false;
        return;
      }
      const payload = await spool.claim(entry);
      if (!payload) continue;
      const outcome = await this.deliver(payload.body, payload.contentType, payload.encoding === 'gzip', undefined, this.down ? 0 : this.o.retry.maxRetries);
      if (outcome.kind === 'retryable') {
        await spool.release(entry);
        retryAfterMs = outcome.retryAfterMs ?? 0;
        if (!this.down) {
          this.down = true;
          this.probeAttempt = 0;
        }
        break;
      }
      await this.replayed(entry, payload, outcome);
    }
    if (this.down && !this.closed) {
      // Scheduled once this replay has returned (scheduleProbe skips while one runs).
      setImmediate(() => this.scheduleProbe(retryAfterMs)).unref();
    }
  }

  private async replayed(entry: SpoolEntry, payload: SpoolPayload, outcome: Exclude<Outcome, { kind: 'retryable' }>): Promise<void> {
    // Counted before the file goes: once stats() shows the spool empty, what it held is counted
    // (removing the file first left a moment, under load, where it was neither).
    if (outcome.kind === 'rejected') this.rejected(outcome, payload.items);
    else {
      if (this.down) {
        this.down = false;
        this.probeAttempt = 0;
        debug(`${this.url.href} answers again; replaying the spool`);
      }
      this.o.counters[this.o.names.exported]! += payload.items;
      this.accepted(outcome.answer, payload.items);
    }
    await this.o.spool!.done(entry);
  }

  private async toSpool(body: Uint8Array, items: number): Promise<void> {
    const kept = await this.o.spool!.write(this.payload(body, items));
    if (kept) this.o.counters[this.o.names.spooled]! += items;
    this.scheduleProbe(0);
  }

  private spoolSync(p: Pending<T>): void {
    if (!this.o.spool) return;
    try {
      const encoded = p.encoded ?? this.o.encode(p.items!);
      const body = p.body ?? (this.o.compression === 'gzip' ? gzipSync(encoded) : encoded);
      if (this.o.spool.writeSync(this.payload(body, p.count))) this.o.counters[this.o.names.spooled]! += p.count;
    } catch {
      // The process is exiting; there is nobody left to tell.
    }
  }

  private payload(body: Uint8Array, items: number): SpoolPayload {
    return { signal: this.o.signal, contentType: this.contentType, encoding: this.o.compression === 'gzip' ? 'gzip' : 'identity', items, body };
  }
}

/** Maps an answer onto an outcome: 2xx delivered, 429/502/503/504 retryable, anything else refused. */
function classify(answer: HttpAnswer): Outcome {
  if (answer.status >= 200 && answer.status < 300) return { kind: 'ok', answer };
  const reason = `HTTP ${answer.status}${answer.body.length > 0 ? `: ${Buffer.from(answer.body.subarray(0, 200)).toString('utf8').replace(/\s+/g, ' ').trim()}` : ''}`;
  if (isRetryableStatus(answer.status)) return { kind: 'retryable', reason, retryAfterMs: parseRetryAfter(answer.headers['retry-after']) };
  return { kind: 'rejected', status: answer.status, reason };
}
