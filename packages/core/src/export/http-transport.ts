import http from 'node:http';
import https from 'node:https';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { suppressTracing } from '../context/context.js';

/** What an OTLP endpoint answered. */
export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The response body, capped at {@link MAX_RESPONSE_BYTES}. */
  body: Uint8Array;
}

/** One request in flight: its outcome, and a way to bring its timeout forward. */
export interface HttpAttempt {
  readonly result: Promise<HttpAnswer>;
  /** Gives up at `at` (epoch ms) if that is sooner than the current timeout. */
  shorten(at: number): void;
}

/** The request did not finish within its timeout. */
export class ExportTimeoutError extends Error {
  override readonly name = 'ExportTimeoutError';
}

/** Collectors answer with a small partial-success message; anything longer is read no further. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs export bodies over `node:http`/`node:https` with keep-alive agents. Every socket and
 * timer is unref'd, so an export in flight never keeps the process alive by itself (a flush
 * that must finish holds its own ref'd timer, see BatchProcessor), and each request runs with
 * tracing suppressed so TraceKit's outbound instrumentation (or an SDK's) never traces its
 * own exports.
 */
export class HttpTransport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly active = new Set<HttpAttempt>();

  /** Starts a POST of `body` to `url`; `result` rejects on network errors and on timeout. */
  post(url: URL, body: Uint8Array, headers: Record<string, string>, timeoutMs: number): HttpAttempt {
    let shorten: (at: number) => void = () => undefined;
    const result = new Promise<HttpAnswer>((resolve, reject) => {
      const secure = url.protocol === 'https:';
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const started = Date.now();
      let deadline = started + timeoutMs;
      let req: http.ClientRequest | undefined;
      const settle = (err: Error | undefined, answer?: HttpAnswer) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (err) {
          req?.destroy();
          reject(err);
        } else resolve(answer!);
      };
      const arm = () => {
        if (timer) clearTimeout(timer);
        // The time it was given: its own timeout, or less when a flush or shutdown brought the deadline forward.
        timer = setTimeout(() => settle(new ExportTimeoutError(`no answer from ${url.origin} within ${deadline - started} ms`)), Math.max(0, deadline - Date.now()));
        timer.unref();
      };
      shorten = (at) => {
        if (settled || at >= deadline) return;
        deadline = at;
        arm();
      };
      arm();
      context.with(suppressTracing(ROOT_CONTEXT), () => {
        try {
          req = (secure ? https : http).request(url, {
            method: 'POST',
            agent: secure ? this.httpsAgent : this.httpAgent,
            headers: { ...headers, 'content-length': String(body.byteLength) },
          });
        } catch (e) {
          settle(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        // Reused keep-alive sockets are ref'd again by the agent, so unref on every assignment.
        req.on('socket', (socket) => socket.unref());
        req.on('error', (e) => settle(e));
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < MAX_RESPONSE_BYTES) {
              chunks.push(chunk);
              size += chunk.length;
            }
          });
          res.on('error', (e) => settle(e));
          res.on('aborted', () => settle(new Error('the response was aborted')));
          res.on('end', () => settle(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.end(body);
      });
    });
    const attempt: HttpAttempt = { result, shorten: (at) => shorten(at) };
    this.active.add(attempt);
    const done = () => this.active.delete(attempt);
    result.then(done, done);
    return attempt;
  }

  /** Brings the timeout of every request in flight forward to `at` (a flush or shutdown deadline). */
  shortenAll(at: number): void {
    for (const attempt of this.active) attempt.shorten(at);
  }

  /** Aborts whatever is in flight and closes idle sockets. */
  destroy(): void {
    this.shortenAll(Date.now());
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
