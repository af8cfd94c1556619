// Synthetic TraceKit-shaped OTLP/JSON data for the viewer benchmarks: request traces of a SERVER
// span and its children, as the file exporter writes them (one ExportTraceServiceRequest per line).

const hex = (n, width) => n.toString(16).padStart(width, '0');
const str = (v) => ({ stringValue: v });
const int = (v) => ({ intValue: String(v) });
const kv = (key, value) => ({ key, value });
const BASE_NS = 1_800_000_000_000_000_000n;
const ns = (ms) => String(BASE_NS + BigInt(Math.round(ms * 1e6)));

const ROUTES = ['/users/:id', '/orders/:orderId', '/orders', '/cart', '/search', '/health', '/checkout', '/items/:itemId'];

/** The spans of trace number `t`: a SERVER span and `perTrace - 1` children (db calls, a client call). */
export function traceSpans(t, perTrace) {
  const traceId = hex(t + 1, 32);
  const root = hex(t * 64 + 1, 16);
  const at = t * 5;
  const route = ROUTES[t % ROUTES.length];
  const failed = t % 100 === 0;
  const spans = [{
    traceId, spanId: root, parentSpanId: '', name: `GET ${route}`, kind: 2, startTimeUnixNano: ns(at), endTimeUnixNano: ns(at + 4 + (t % 37)),
    attributes: [
      kv('http.request.method', str('GET')), kv('url.path', str(route.replace(/:\w+/, String(t)))), kv('http.route', str(route)), kv('url.scheme', str('http')),
      kv('http.response.status_code', int(failed ? 500 : 200)), kv('tracekit.request_id', str(`req-${t}`)), kv('client.address', str('127.0.0.1')), kv('user_agent.original', str('bench/1.0')),
    ],
    events: failed ? [{ timeUnixNano: ns(at + 2), name: 'exception', attributes: [kv('exception.type', str('Error')), kv('exception.message', str('payment provider unavailable')), kv('tracekit.error.fingerprint', str('fp-bench'))] }] : [],
    status: { code: failed ? 2 : 0 },
  }];
  for (let c = 1; c < perTrace; c++) {
    spans.push({
      traceId, spanId: hex(t * 64 + 1 + c, 16), parentSpanId: c === 1 ? root : hex(t * 64 + 2, 16), name: c === perTrace - 1 ? 'GET' : `db.query ${c}`, kind: c === perTrace - 1 ? 3 : 1,
      startTimeUnixNano: ns(at + 0.2 * c), endTimeUnixNano: ns(at + 0.2 * c + 0.15),
      attributes: [kv('db.system.name', str('postgresql')), kv('db.operation.name', str('SELECT')), kv('db.query.text', str('SELECT * FROM items WHERE id = $1'))],
      events: [], status: { code: 0 },
    });
  }
  return spans;
}

/** One store line (an OTLP/JSON export request) holding `spans`. */
export function requestLine(spans, service = 'bench-shop') {
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [kv('service.name', str(service)), kv('telemetry.sdk.name', str('tracekit'))] }, scopeSpans: [{ scope: { name: '@tracekit/core', version: '0.1.0' }, spans }] }],
  });
}

/** `traces` traces of `perTrace` spans as store lines of about `batch` spans each. */
export function* storeLines(traces, perTrace, batch = 500) {
  let pending = [];
  for (let t = 0; t < traces; t++) {
    pending.push(...traceSpans(t, perTrace));
    if (pending.length >= batch) {
      yield requestLine(pending);
      pending = [];
    }
  }
  if (pending.length > 0) yield requestLine(pending);
}

/** One trace of `n` spans, children fanned out under a few levels, for the waterfall. */
export function wideTrace(n, traceNumber = 9_999_999) {
  const traceId = hex(traceNumber, 32);
  const spans = [];
  for (let i = 0; i < n; i++) {
    const parent = i === 0 ? '' : hex(Math.floor((i - 1) / 8) + 1, 16);
    spans.push({
      traceId, spanId: hex(i + 1, 16), parentSpanId: parent, name: i === 0 ? 'GET /report' : `step ${i}`, kind: i === 0 ? 2 : 1,
      startTimeUnixNano: ns(i * 0.01), endTimeUnixNano: ns(i * 0.01 + 0.5 + (i % 7)), attributes: [kv('step', int(i))], events: [], status: { code: i % 997 === 0 && i > 0 ? 2 : 0 },
    });
  }
  return { traceId, line: requestLine(spans, 'bench-report') };
}
