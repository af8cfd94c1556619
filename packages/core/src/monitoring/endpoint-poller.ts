import { context } from '@opentelemetry/api';
import { suppressTracing } from '../context/context.js';
import { debug, warnOnce } from '../diag.js';
import { parseBreakpoints } from './breakpoints-file.js';
import { CONTROL_LIMITS } from './limits.js';
import type { BreakpointsDocument } from './model.js';

/** Counters the poller keeps (part of `client.stats()`). */
export interface EndpointCounters {
  breakpointsEndpointPolls: number;
  breakpointsEndpointFailures: number;
}

/**
 * Polls `TRACEKIT_BREAKPOINTS_URL` every 30 s (an unref'd timer) with `If-None-Match`, a 5 s
 * timeout and a 1 MiB cap on the body, outside any trace. A `304` changes nothing; a valid body
 * (the shape of `.tracekit/breakpoints.json`) is handed over; a hang, an error status or a bad
 * body is counted and reported once, and the previous state stays. Requests never wait on it.
 */
export class EndpointPoller {
  private etag: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;

  constructor(
    private readonly url: string,
    private readonly root: string,
    private readonly onDocument: (doc: BreakpointsDocument) => void,
    private readonly counters: EndpointCounters,
    private readonly intervalMs: number = CONTROL_LIMITS.endpointPollMs,
    private readonly timeoutMs: number = CONTROL_LIMITS.endpointTimeoutMs,
  ) {}

  start(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One poll. Never rejects. */
  async poll(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    this.counters.breakpointsEndpointPolls++;
    try {
      const text = await context.with(suppressTracing(), () => this.fetchText());
      if (text === undefined) return;
      const result = parseBreakpoints(text, this.root);
      if (!result.ok) return this.fail(`the body was refused: ${result.error}`);
      this.onDocument(result.doc);
    } catch (e) {
      this.fail(e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : String(e));
    } finally {
      this.inFlight = false;
    }
  }

  private async fetchText(): Promise<string | undefined> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.etag) headers['if-none-match'] = this.etag;
    const res = await fetch(this.url, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    if (res.status === 304) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) {
      await res.body?.cancel();
      this.fail(`HTTP ${res.status}`);
      return undefined;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += (chunk as Uint8Array).byteLength;
      if (size > CONTROL_LIMITS.maxFileBytes) throw new Error(`body larger than ${CONTROL_LIMITS.maxFileBytes} bytes`);
      chunks.push(chunk as Uint8Array);
    }
    const etag = res.headers.get('etag');
    const text = Buffer.concat(chunks).toString('utf8');
    // The ETag is kept only for a body that was accepted, so a refused one is fetched again.
    if (etag && parseBreakpoints(text, this.root).ok) this.etag = etag;
    return text;
  }

  private fail(reason: string): void {
    this.counters.breakpointsEndpointFailures++;
    warnOnce('TK_BREAKPOINTS_URL', `polling ${this.url} failed (${reason}); the previous breakpoints stay in force (further failures are counted in stats)`);
    debug(`breakpoints endpoint: ${reason}`);
  }
}
