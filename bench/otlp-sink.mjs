// A minimal OTLP/HTTP receiver for benchmarks: accepts /v1/traces and /v1/logs, discards the
// body, answers 200. `node bench/otlp-sink.mjs [port]` prints `ready PORT`.
import http from 'node:http';

let spansBytes = 0;
const server = http.createServer((req, res) => {
  req.on('data', (c) => (spansBytes += c.length));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' });
    res.end();
  });
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
process.on('SIGTERM', () => {
  process.stderr.write(`otlp-sink received ${spansBytes} bytes\n`);
  process.exit(0);
});
