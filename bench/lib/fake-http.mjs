// The stand-in request and response of the in-process benchmarks (request-path.mjs, ledger.mjs):
// just the fields TraceKit's Node request/response readers touch, shaped like a keep-alive GET.
import { EventEmitter } from 'node:events';

/** A GET for `/users/<i mod 1000>` as Node's http server would hand it over. */
export function fakeRequest(i) {
  return {
    method: 'GET',
    url: `/users/${i % 1000}`,
    httpVersion: '1.1',
    headers: { host: '127.0.0.1:3000', 'user-agent': 'autocannon/9.0.0', accept: '*/*', connection: 'keep-alive' },
    socket: { localPort: 3000, remoteAddress: '127.0.0.1' },
  };
}

/** A response: headers in a plain object, `finish` emitted by the harness. */
export class FakeResponse extends EventEmitter {
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

/**
 * One traced request through the shared adapter runtime, as an adapter drives it: start, echo
 * the request ID, end with the response, route and handler span inside the request's context,
 * then the response finishes. `tk` is `@tracekit/core/adapter`.
 */
export function tracedRequest(tk, runtime, req) {
  const res = new FakeResponse();
  const scope = runtime.start(req, tk.nodeRequestInfo(req));
  if (!scope) return;
  res.setHeader(runtime.requestIdHeader, scope.requestId);
  tk.endWithNodeResponse(runtime, scope, res);
  scope.run(() => {
    scope.setRoute('/users/:id');
    scope.startHandler('getUser').span.end();
  });
  res.writableFinished = true;
  res.emit('finish');
}
