// Microbenchmark of TraceKit's own work per request, without sockets or a framework: the shared
// adapter runtime starts a request (as every adapter does), a route and a handler child span are
// recorded, the response ends, and the pipeline exports to the file store (or to nothing). CPU
// per request includes the export work done off the request path (flushed at the end).
//
//   node bench/request-path.mjs            # sampleRate 1, 0.01, 0; file store and no exporter
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tracekit from '@tracekit/core/adapter';

const N = Number(process.env.N ?? 100_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-path-'));

function fakeRequest(i) {
  return {
    method: 'GET',
    url: `/users/${i % 1000}`,
    httpVersion: '1.1',
    headers: { host: '127.0.0.1:3000', 'user-agent': 'autocannon/9.0.0', accept: '*/*', connection: 'keep-alive' },
    socket: { localPort: 3000, remoteAddress: '127.0.0.1' },
  };
}

class FakeResponse extends EventEmitter {
  statusCode = 200;
  headers = {};
  writableFinished = false;
  setHeader(k, v) {
    this.headers[k] = v;
  }
  getHeader(k) {
    return this.headers[k];
  }
}

async function measure(label, options) {
  await tracekit.shutdown();
  tracekit.init({ serviceName: 'bench', handleShutdown: false, file: path.join(dir, `${label.replace(/\W+/g, '-')}.jsonl`), maxQueueSize: 1_000_000, maxBatchSize: 512, ...options });
  const runtime = tracekit.createAdapter('bench');
  const one = (i) => {
    const req = fakeRequest(i);
    const res = new FakeResponse();
    const scope = runtime.start(req, tracekit.nodeRequestInfo(req));
    if (!scope) return;
    res.setHeader(runtime.requestIdHeader, scope.requestId);
    tracekit.endWithNodeResponse(runtime, scope, res);
    scope.run(() => {
      scope.setRoute('/users/:id');
      scope.setHandler('getUser');
      const child = scope.startChild('handler getUser', { 'code.function.name': 'getUser', 'http.route': '/users/:id' });
      child.span.end();
    });
    res.writableFinished = true;
    res.emit('finish');
  };
  for (let i = 0; i < 20_000; i++) one(i);
  await tracekit.flush();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    one(i);
    // Let the pipeline export as it would between requests.
    if (i % 512 === 511) await new Promise((r) => setImmediate(r));
  }
  await tracekit.flush();
  const cpu = process.cpuUsage(cpu0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / N;
  const stats = tracekit.getClient().stats();
  console.log(`${label.padEnd(44)} ${((cpu.user + cpu.system) / N).toFixed(2).padStart(6)} µs CPU  ${wall.toFixed(2).padStart(6)} µs wall per request  (${stats.spansExported} spans exported, ${stats.spansDropped} dropped)`);
}

await measure('sampleRate 1, file store', { sampleRate: 1 });
await measure('sampleRate 1, no exporter', { sampleRate: 1, exporter: 'none' });
await measure('sampleRate 1, file store, redaction off', { sampleRate: 1, redaction: false });
await measure('sampleRate 0.01, file store', { sampleRate: 0.01 });
await measure('sampleRate 0, file store (keepErrors on)', { sampleRate: 0 });
await measure('disabled', { enabled: false });
await tracekit.shutdown();
fs.rmSync(dir, { recursive: true, force: true });
