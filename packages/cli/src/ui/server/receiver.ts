import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Signal } from '../otlp-json.js';
import { BodyError, readBody, type BodyLimits } from './body.js';
import type { Ingest } from './ingest.js';
import { decodeLogsRequest, decodeMetricsRequest, decodeTraceRequest } from './otlp-protobuf.js';
import { exportResponse, RPC_CODE, statusBody } from './otlp-response.js';

/** Receiver body limits: 16 MiB on the wire, 64 MiB decompressed. */
export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBytes: 16 * 1024 * 1024, maxInflatedBytes: 64 * 1024 * 1024 };

const PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };
const DECODE = { traces: decodeTraceRequest, logs: decodeLogsRequest, metrics: decodeMetricsRequest };

/** The signal of an OTLP/HTTP path, or undefined. */
export function receiverSignal(pathname: string): Signal | undefined {
  return Object.hasOwn(PATHS, pathname) ? PATHS[pathname] : undefined;
}

function send(res: ServerResponse, status: number, json: boolean, body: Buffer): void {
  res.writeHead(status, { 'content-type': json ? 'application/json' : 'application/x-protobuf', 'content-length': body.length });
  res.end(body);
}

/**
 * The OTLP/HTTP receiver (opentelemetry-proto's OTLP/HTTP binding): `POST` of an export request
 * as `application/x-protobuf` or `application/json`, optionally gzip or deflate. Answers 200 with
 * an empty response, or with `partial_success` when some spans were rejected (invalid IDs);
 * 400 with a `google.rpc.Status` for a body that does not decode; 413 for a body or a
 * decompressed body over the limits; 415 for another content type; 405 for another method.
 */
export async function handleExport(req: IncomingMessage, res: ServerResponse, signal: Signal, ingest: Ingest, limits: BodyLimits = DEFAULT_BODY_LIMITS): Promise<void> {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const json = type === 'application/json';
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    send(res, 405, json, statusBody(json, RPC_CODE.UNIMPLEMENTED, 'use POST'));
    req.resume();
    return;
  }
  if (!json && type !== 'application/x-protobuf' && type !== 'application/protobuf') {
    send(res, 415, false, statusBody(false, RPC_CODE.INVALID_ARGUMENT, `unsupported Content-Type "${type}" (application/x-protobuf or application/json)`));
    req.resume();
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(req, limits);
  } catch (err) {
    const e = err instanceof BodyError ? err : new BodyError(400, String(err));
    if (e.status === 413) res.setHeader('connection', 'close');
    send(res, e.status, json, statusBody(json, e.status === 413 ? RPC_CODE.RESOURCE_EXHAUSTED : RPC_CODE.INVALID_ARGUMENT, e.message));
    return;
  }
  let decoded: unknown;
  try {
    decoded = json ? JSON.parse(body.toString('utf8')) : DECODE[signal](body);
    const result = ingest.request(signal, decoded);
    send(res, 200, json, exportResponse(signal, json, result.rejected, result.reason));
  } catch (err) {
    send(res, 400, json, statusBody(json, RPC_CODE.INVALID_ARGUMENT, `malformed ${json ? 'JSON' : 'protobuf'} ${signal} export request: ${err instanceof Error ? err.message : String(err)}`));
  }
}
