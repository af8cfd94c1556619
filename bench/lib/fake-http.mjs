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
