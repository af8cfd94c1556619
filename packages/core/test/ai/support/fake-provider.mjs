// A fake AI provider on 127.0.0.1 that replays the recorded shapes in fixtures.mjs. The scenario
// comes from the `x-fake` request header (default: a normal answer for the path).
import http from 'node:http';
import zlib from 'node:zlib';
import * as f from './fixtures.mjs';

function json(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

function sse(res, text, { chunkSize = 0, delayMs = 0 } = {}) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (!chunkSize) return res.end(text);
  let i = 0;
  const next = () => {
    if (i >= text.length) return res.end();
    res.write(text.slice(i, i + chunkSize));
    i += chunkSize;
    delayMs ? setTimeout(next, delayMs) : setImmediate(next);
  };
  next();
}

function handle(req, body, res, log) {
  const scenario = req.headers['x-fake'] ?? '';
  const params = body ? JSON.parse(body) : {};
  log.push({ path: req.url, scenario, headers: req.headers, body: params });
  const path = req.url.split('?')[0];
  if (scenario === 'hang') return; // never answers; the client aborts or times out
  if (scenario === '429') return json(res, 429, path.endsWith('/messages') ? f.anthropicRateLimit : f.openaiRateLimit, { 'retry-after': '7' });
  if (scenario === '500-text') {
    res.writeHead(500, { 'content-type': 'text/html' });
    return res.end('<html><body>upstream exploded</body></html>');
  }
  if (scenario === '529') return json(res, 529, f.anthropicOverloaded);
  if (scenario === 'malformed') return json(res, 200, '{"id":"chatcmpl-bad","model":"gpt-4o-mini","choices":[{"message":');
  if (path.endsWith('/chat/completions')) {
    if (params.stream) {
      const n = Number(req.headers['x-fake-chunks'] ?? 5);
      const text = f.openaiSse(scenario === 'tools' ? f.openaiToolChunks() : f.openaiChatChunks(n));
      if (scenario === 'stream-error') {
        // Three events, then the connection drops mid-stream.
        const events = text.split('\n\n').slice(0, 3).join('\n\n') + '\n\n';
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(events);
        return setTimeout(() => res.socket.destroy(), 20);
      }
      if (scenario === 'gzip-sse') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
        return res.end(zlib.gzipSync(text));
      }
      if (scenario === 'slow-stream') return sse(res, text, { chunkSize: 64, delayMs: 5 });
      return sse(res, text, { chunkSize: Number(req.headers['x-fake-split'] ?? 0) });
    }
    if (scenario === 'tools') return json(res, 200, f.openaiToolCall);
    if (scenario === 'echo-model') return json(res, 200, { ...f.openaiChat, model: params.model });
    if (scenario === 'gzip' || scenario === 'br') {
      const raw = Buffer.from(JSON.stringify(f.openaiChat));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': scenario });
      return res.end(scenario === 'gzip' ? zlib.gzipSync(raw) : zlib.brotliCompressSync(raw));
    }
    if (scenario === 'huge') {
      // ~50 MB: a long content string, usage at the very end.
      const big = { ...f.openaiChat, choices: [{ index: 0, message: { role: 'assistant', content: 'x'.repeat(50 * 1024 * 1024) }, finish_reason: 'length' }] };
      return json(res, 200, big);
    }
    return json(res, 200, f.openaiChat);
  }
  if (path.endsWith('/embeddings')) return json(res, 200, f.openaiEmbeddings);
  if (path.endsWith('/responses')) {
    if (params.stream) return sse(res, f.anthropicSse(f.openaiResponseEvents()), { chunkSize: Number(req.headers['x-fake-split'] ?? 0) });
    return json(res, 200, f.openaiResponse);
  }
  if (path.endsWith('/messages')) {
    if (params.stream) {
      const text = f.anthropicSse(f.anthropicEvents(Number(req.headers['x-fake-chunks'] ?? 3)));
      if (scenario === 'stream-error') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(text.split('\n\n').slice(0, 3).join('\n\n') + '\n\n');
        res.write(`event: error\ndata: ${JSON.stringify(f.anthropicOverloaded)}\n\n`);
        return res.end();
      }
      return sse(res, text, { chunkSize: Number(req.headers['x-fake-split'] ?? 0) });
    }
    if (scenario === 'tools') return json(res, 200, f.anthropicToolUse);
    return json(res, 200, f.anthropicMessage);
  }
  if (path.includes(':generateContent')) return json(res, 200, f.geminiResponse);
  json(res, 404, { error: { type: 'not_found', message: `no fixture for ${path}` } });
}

/** Starts the fake provider; resolves to `{ url, log, close }`. */
export function startFakeProvider(port = 0) {
  const log = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => handle(req, body, res, log));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        log,
        close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
      });
    });
  });
}
