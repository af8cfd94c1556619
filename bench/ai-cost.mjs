// What AI call tracing costs (docs/ai.md), and what non-AI outbound requests pay for it.
//
//   node bench/ai-cost.mjs [--rounds 5] [--calls 4000] [--scenarios a,b] [--current <core dist/index.js>] [--before <core dist/index.js>] [--json]
//
// The calls are driven through the real hooks with no network: each call publishes the same
// undici diagnostics-channel messages that Node's fetch publishes (`undici:request:create`, the
// request body iterated as undici's writer iterates it, `undici:request:headers`, the response
// body handed to `request.onData` chunk by chunk, `undici:request:trailers`), so the CPU TraceKit
// adds is not lost in the noise of a loopback HTTP round trip (which costs the same with or
// without TraceKit). Each variant runs in its own process; rounds are interleaved and the median
// is reported as CPU microseconds per call (user + system, process.cpuUsage).
//
// Variants:   bare      no TraceKit at all
//             tracekit  init({ exporter: 'none' }) with the current build (AI detection on)
//             before    the core build given with --before (the commit before AI detection)
// Scenarios:  ai-json    a non-streamed chat completion (~0.7 KB JSON response), no parent span
//             ai-stream  a streamed chat completion of 500 SSE chunks (one event each)
//             get        a non-AI GET inside a span (a plain CLIENT span)
//             post       a non-AI POST inside a span
//             post-root  a non-AI POST outside any trace (no span at all)
//             http-post  a non-AI POST with node:http inside a span, to a real server on
//                        127.0.0.1 in another process (keep-alive), client CPU only
//
// Needs the built core: cd packages/core && npx tsup.
import { spawnSync } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const ROUNDS = Number(opt('rounds', '5'));
const CALLS = Number(opt('calls', '4000'));
const CURRENT = opt('current', path.join(root, 'packages/core/dist/index.js'));
const BEFORE = opt('before', undefined);

const SCENARIOS = opt('scenarios', 'ai-json,ai-stream,get,post,post-root,http-post').split(',');

async function child(variant, scenario, corePath) {
  const fixtures = await import(path.join(root, 'packages/core/test/ai/support/fixtures.mjs'));
  let tracekit;
  if (variant !== 'bare') {
    tracekit = await import(corePath);
    tracekit.init({ exporter: 'none', handleShutdown: false, serviceName: 'bench' });
  }
  const create = dc.channel('undici:request:create');
  const headers = dc.channel('undici:request:headers');
  const trailers = dc.channel('undici:request:trailers');
  const ai = scenario.startsWith('ai-');
  const stream = scenario === 'ai-stream';
  const method = scenario === 'get' ? 'GET' : 'POST';
  const reqPath = ai ? '/v1/chat/completions' : scenario === 'get' ? '/api/orders/42' : '/api/orders';
  const requestBody = Buffer.from(JSON.stringify(ai ? { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'What is the capital of France?' }], stream } : { sku: 'A-1', qty: 2 }));
  const responseChunks = stream
    ? fixtures.openaiSse(fixtures.openaiChatChunks(497)).split('\n\n').filter(Boolean).map((e) => Buffer.from(`${e}\n\n`))
    : [Buffer.from(JSON.stringify(ai ? fixtures.openaiChat : { id: 42, status: 'ok' }))];
  const rawHeaders = [Buffer.from('content-type'), Buffer.from(stream ? 'text/event-stream' : 'application/json')];
  const onData = () => true;

  async function call() {
    const request = {
      method,
      origin: 'http://127.0.0.1:8080',
      path: reqPath,
      headers: ['content-type', 'application/json', 'authorization', 'Bearer sk-bench'],
      body: (async function* () {
        yield requestBody;
      })(),
      onData,
      addHeader(name, value) {
        this.headers.push(name, value);
        return this;
      },
    };
    if (create.hasSubscribers) create.publish({ request });
    for await (const chunk of request.body) void chunk;
    if (headers.hasSubscribers) headers.publish({ request, response: { statusCode: 200, headers: rawHeaders } });
    for (const c of responseChunks) request.onData(c);
    if (trailers.hasSubscribers) trailers.publish({ request, trailers: [] });
  }
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const httpPost = () =>
    new Promise((resolve, reject) => {
      const req = http.request(`${process.env.BENCH_SERVER}/api/orders`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(requestBody);
    });
  const fn = scenario === 'http-post' ? httpPost : call;
  const inSpan = tracekit && (scenario === 'get' || scenario === 'post' || scenario === 'http-post');
  const one = inSpan ? () => tracekit.withSpan('parent', fn) : fn;
  // A parent span costs the same in both builds; for bare it is measured as nothing.
  // The loop yields to the event loop every 64 calls, so the export pipeline (batching,
  // redaction, the 'none' exporter) runs as in an app, and its CPU is counted; a final flush
  // counts the rest.
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < Math.min(CALLS, 1000); i++) {
    await one();
    if (i % 64 === 63) await tick();
  }
  if (tracekit) await tracekit.flush();
  const t0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    await one();
    if (i % 64 === 63) await tick();
  }
  if (tracekit) await tracekit.flush();
  const d = process.cpuUsage(t0);
  if (tracekit && tracekit.getClient().stats().spansDropped > 0) throw new Error('spans were dropped: the numbers would be too low');
  if (tracekit) {
    const stats = tracekit.getClient()?.stats();
    if (ai && variant === 'tracekit' && stats.aiCalls < CALLS) throw new Error(`expected ${CALLS} AI calls, saw ${stats.aiCalls}`);
  }
  process.stdout.write(JSON.stringify({ usPerCall: (d.user + d.system) / CALLS }));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  // The http-post scenario's server, in its own process so its CPU is not counted.
  const { spawn } = await import('node:child_process');
  const serverCode = "require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => r.end('ok')); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); })";
  const server = spawn(process.execPath, ['-e', serverCode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(String(d).trim())));
  process.env.BENCH_SERVER = `http://127.0.0.1:${port}`;
  try {
    run();
  } finally {
    server.kill();
  }
}

function run() {
  const variants = { bare: CURRENT, tracekit: CURRENT, ...(BEFORE ? { before: BEFORE } : {}) };
  const results = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const scenario of SCENARIOS) {
      for (const [variant, core] of Object.entries(variants)) {
        const out = spawnSync(process.execPath, [self, '--child', variant, '--scenario', scenario, '--core', core, '--calls', String(CALLS)], { encoding: 'utf8' });
        if (out.status !== 0) throw new Error(`${variant}/${scenario}: ${out.stderr}`);
        ((results[scenario] ??= {})[variant] ??= []).push(JSON.parse(out.stdout).usPerCall);
      }
    }
  }
  const table = {};
  for (const [scenario, byVariant] of Object.entries(results)) {
    table[scenario] = Object.fromEntries(Object.entries(byVariant).map(([v, xs]) => [v, Number(median(xs).toFixed(2))]));
    table[scenario].added = Number((table[scenario].tracekit - table[scenario].bare).toFixed(2));
    if (BEFORE) table[scenario].addedBefore = Number((table[scenario].before - table[scenario].bare).toFixed(2));
  }
  const perChunk = table['ai-stream'] && table['ai-json'] ? (table['ai-stream'].added - table['ai-json'].added) / 500 : NaN;
  if (args.includes('--json')) {
    process.stdout.write(JSON.stringify({ node: process.version, calls: CALLS, rounds: ROUNDS, table, perChunkUs: perChunk }, null, 2) + '\n');
    return;
  }
  console.log(`Node ${process.version}, ${CALLS} calls x ${ROUNDS} rounds, CPU µs per call (median)`);
  console.table(table);
  if (table['ai-json'] && table['ai-stream']) {
    console.log(`AI: added per non-streamed call ${table['ai-json'].added} µs; per streamed call of 500 chunks ${table['ai-stream'].added} µs; per chunk ≈ ${perChunk.toFixed(3)} µs`);
  }
  if (BEFORE) {
    for (const s of ['get', 'post', 'post-root', 'http-post'].filter((x) => table[x])) console.log(`non-AI ${s}: before ${table[s].addedBefore} µs, after ${table[s].added} µs added per request`);
  }
}

if (args.includes('--child')) {
  child(opt('child'), opt('scenario'), opt('core')).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else main().catch((e) => {
  console.error(e);
  process.exit(1);
});
