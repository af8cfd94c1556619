/**
 * Test helpers for the export pipeline: a real OTLP/HTTP receiver on 127.0.0.1 whose answers
 * each test scripts, decoding with the official generated protobuf definitions
 * (`otlp-transformer-decode` = @opentelemetry/otlp-transformer@0.216.0), and a tiny node:http
 * app traced through core's adapter runtime.
 */
import http from 'node:http';
import net from 'node:net';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { createAdapter, endWithNodeResponse, nodeRequestInfo, setMetadata, withSpan } from '../../src/adapter-api.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const root = require('otlp-transformer-decode/build/src/generated/root.js') as {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: ProtoType } };
      };
    };
  };
};
interface ProtoType {
  decode(data: Uint8Array): unknown;
  toObject(message: unknown, options: object): Record<string, unknown>;
}

/**
 * 0.216.0's generated code covers traces (and metrics) but not logs, so logs are decoded with
 * protobufjs (the generated code's own runtime) from the message definitions of
 * opentelemetry-proto's logs/v1/logs.proto, common/v1 and resource/v1, field numbers as published.
 */
const LOGS_PROTO = `
syntax = "proto3";
package otlp;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; string schema_url = 3; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; string schema_url = 3; }
message LogRecord {
  fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11; int32 severity_number = 2; string severity_text = 3; AnyValue body = 5;
  repeated KeyValue attributes = 6; uint32 dropped_attributes_count = 7; fixed32 flags = 8; bytes trace_id = 9; bytes span_id = 10; string event_name = 12;
}`;
const protobuf = createRequire(require.resolve('otlp-transformer-decode/package.json'))('protobufjs') as {
  parse(source: string): { root: { lookupType(name: string): ProtoType } };
};
const LogsRequest = protobuf.parse(LOGS_PROTO).root.lookupType('otlp.ExportLogsServiceRequest');

const TO_OBJECT = { longs: String, enums: Number, bytes: String, defaults: false, arrays: true, oneofs: false };

/** Decodes a request body (gunzipping first when needed) into plain JSON-like objects, IDs as hex. */
export function decodeBody(kind: 'traces' | 'logs', body: Buffer, headers: http.IncomingHttpHeaders): Record<string, unknown> {
  const raw = headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
  if (String(headers['content-type']).startsWith('application/json')) return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  const type = kind === 'traces' ? root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest : LogsRequest;
  const obj = type.toObject(type.decode(raw), TO_OBJECT);
  return hexIds(obj) as Record<string, unknown>;
}

/** protobufjs renders bytes as base64; OTLP IDs are compared as lower-case hex. */
function hexIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIds);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = (k === 'traceId' || k === 'spanId' || k === 'parentSpanId') && typeof v === 'string' ? Buffer.from(v, 'base64').toString('hex') : hexIds(v);
  }
  return out;
}

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

/** What the receiver does with one request: answer, hang (never answer) or cut the connection. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hang' | 'destroy';

export interface Receiver {
  url: string;
  port: number;
  /** Every request, answered or not. */
  requests: Received[];
  /** Requests that were answered 2xx. */
  accepted(): Received[];
  /** Spans of every accepted /v1/traces request, in arrival order. */
  spans(): Array<Record<string, unknown>>;
  /** Log records of every accepted /v1/logs request. */
  logs(): Array<Record<string, unknown>>;
  answer: (req: Received, index: number) => Answer;
  /** Resolves when `predicate` holds, checked after every request (and now). */
  until(predicate: (r: Receiver) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (port 0 unless given); by default it answers 200 with an empty body. */
export async function startReceiver(answer: Receiver['answer'] = () => ({ status: 200 }), port = 0): Promise<Receiver> {
  const ok = new Set<Received>();
  const waiters = new Set<() => void>();
  const hanging = new Set<http.ServerResponse>();
  const r = {} as Receiver;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Received = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
      const index = r.requests.length;
      r.requests.push(rec);
      const a = r.answer(rec, index);
      if (a === 'hang') hanging.add(res);
      else if (a === 'destroy') req.socket.destroy();
      else {
        const send = () => {
          if (a.status >= 200 && a.status < 300) ok.add(rec);
          res.writeHead(a.status, a.headers);
          res.end(a.body ?? '');
          for (const w of [...waiters]) w();
        };
        if (a.delayMs) setTimeout(send, a.delayMs);
        else send();
      }
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  const decoded = (kind: 'traces' | 'logs') =>
    r.requests.filter((q) => ok.has(q) && q.path === `/v1/${kind}`).map((q) => decodeBody(kind, q.body, q.headers));
  Object.assign(r, {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests: [] as Received[],
    answer,
    accepted: () => r.requests.filter((q) => ok.has(q)),
    spans: () =>
      decoded('traces').flatMap((d) =>
        (d.resourceSpans as Array<{ scopeSpans: Array<{ spans?: Array<Record<string, unknown>> }> }>).flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans ?? [])),
      ),
    logs: () =>
      decoded('logs').flatMap((d) =>
        (d.resourceLogs as Array<{ scopeLogs: Array<{ logRecords?: Array<Record<string, unknown>> }> }>).flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords ?? [])),
      ),
    until: (predicate: (x: Receiver) => boolean, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        if (predicate(r)) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: condition not met within ${timeoutMs} ms (${r.requests.length} requests)`));
        }, timeoutMs);
        const check = () => {
          if (!predicate(r)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      }),
    close: async () => {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return r;
}

/** A URL on 127.0.0.1 where nothing listens: connections are refused. */
export async function refusedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Polls `predicate` every 10 ms. */
export async function waitFor(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface TestApp {
  url: string;
  close(): Promise<void>;
}

/**
 * A node:http app traced through core's adapter runtime: `GET /work` (route `/work`) sets
 * metadata, runs a child span and answers 200 with the request ID; `GET /fail` answers 500;
 * `GET /boom` records an error and answers 500.
 */
export async function startApp(): Promise<TestApp> {
  const runtime = createAdapter<http.IncomingMessage, http.ServerResponse>('node-http');
  const server = http.createServer((req, res) => {
    const scope = runtime.start(req, nodeRequestInfo(req));
    const handle = async () => {
      if (req.url?.startsWith('/fail')) {
        res.statusCode = 500;
        res.end('failed');
        return;
      }
      if (req.url?.startsWith('/boom')) {
        scope?.setRoute('/boom');
        scope?.recordError(new RangeError('kaput'));
        res.statusCode = 500;
        res.end('boom');
        return;
      }
      scope?.setRoute('/work');
      setMetadata({ userId: 'u-1', plan: 'pro' });
      const id = await withSpan('work', async () => {
        await new Promise((r) => setTimeout(r, 1));
        return scope?.requestId;
      });
      res.setHeader('content-type', 'text/plain');
      res.end(String(id));
    };
    if (!scope) return void handle();
    endWithNodeResponse(runtime, scope, res);
    scope.run(() => void handle());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A GET that resolves with the status and body. */
export function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}
