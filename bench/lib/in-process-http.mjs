// Drives a Node request handler (an Express app, a Fastify/Koa/Hono server's listener) in
// process: a real IncomingMessage and ServerResponse over a socket stub that discards bytes, so
// the framework and TraceKit run as they do for a socket, without the network or the HTTP parser.
import http from 'node:http';
import { Writable } from 'node:stream';

/** A socket stand-in: takes every write at once, so `finish` fires as on a fast connection. */
export class NullSocket extends Writable {
  constructor() {
    super();
    this.remoteAddress = '127.0.0.1';
    this.localPort = 3000;
    this.encrypted = false;
  }
  _write(_chunk, _enc, cb) {
    cb();
  }
  setTimeout() {}
  setNoDelay() {}
  setKeepAlive() {}
  cork() {}
  uncork() {}
  destroySoon() {}
}

/** One GET through `handler(req, res)`; resolves when the response finished. */
export function inProcessRequest(handler, socket, url, headers) {
  return new Promise((resolve) => {
    const req = new http.IncomingMessage(socket);
    req.method = 'GET';
    req.url = url;
    req.httpVersion = '1.1';
    req.headers = headers;
    req.push(null);
    const res = new http.ServerResponse(req);
    res.assignSocket(socket);
    res.on('finish', () => {
      res.detachSocket(socket);
      resolve();
    });
    handler(req, res);
  });
}
