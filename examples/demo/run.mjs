// `npm run demo`: starts the Express example, sends a scripted mix of requests, stops it
// gracefully (SIGTERM: TraceKit flushes, then the process ends by the signal as Node would),
// and prints the traces it recorded in the embedded store.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStore, renderTraces } from '../../packages/cli/dist/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const appDir = path.join(root, 'examples', 'express');
const store = path.join(appDir, '.tracekit', 'traces.jsonl');
const startedAt = Date.now();

console.log('Starting examples/express with TraceKit...');
const child = spawn(process.execPath, ['server.js'], { cwd: appDir, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('the example did not start within 15 s')), 15_000);
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
    process.stdout.write(chunk);
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  });
  child.once('exit', (code) => reject(new Error(`the example exited early (${code})`)));
});

const requests = [
  ['GET', '/users/1'],
  ['GET', '/users/7'],
  ['GET', '/api/orders/42', { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }],
  ['POST', '/api/orders', { 'content-type': 'application/json' }, JSON.stringify({ userId: '2', total: 12.5 })],
  ['GET', '/api/orders/42/shipping'],
  ['GET', '/checkout/fail?card=4111111111111111&token=sk-live-1234567890abcdef'],
  ['GET', '/no/such/page', { 'x-request-id': 'demo-request-001' }],
];
console.log(`\nSending ${requests.length} requests:`);
for (const [method, p, headers = {}, body] of requests) {
  const res = await fetch(base + p, { method, headers, body });
  await res.arrayBuffer();
  console.log(`  ${method.padEnd(4)} ${p.padEnd(72)} → ${res.status}  x-request-id: ${res.headers.get('x-request-id')}`);
}

console.log('\nStopping the app with SIGTERM...');
const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
child.kill('SIGTERM');
const { code, signal } = await exit;
console.log(`The app ended by ${signal ?? `exit code ${code}`} (TraceKit flushed first and left the exit as it was).\n`);

if (!fs.existsSync(store)) {
  console.error(`No store at ${store}: nothing was recorded.`);
  process.exit(1);
}
const { spans } = readStore(store);
const text = renderTraces(spans, { color: process.stdout.isTTY, since: startedAt - 1000 });
console.log('Recorded traces:\n');
console.log(text);
console.log(`The store: ${path.relative(process.cwd(), store)} (one OTLP/JSON export request per line).`);
console.log('Look again any time with: npx tracekit view examples/express/.tracekit/traces.jsonl');
console.log('Or in the browser: cd examples/express && npx tracekit ui   (http://127.0.0.1:4318/)');
