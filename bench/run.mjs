// `npm run bench`: per-request cost of TraceKit against the bare framework and the official
// OpenTelemetry instrumentation, for every framework with servers in bench/servers/.
//
// Each variant runs in its own process; rounds are interleaved (bare, tracekit, otel, bare, ...)
// so drift on the machine hits every variant alike. Load comes from autocannon on loopback in
// this process; the server's CPU time is read from /proc before and after the measured window,
// so "µs CPU per request" is the server's own user+system time divided by the requests served.
//
// Options: --frameworks express,fastify  --variants bare,tracekit,otel  --rounds 3
//          --duration 5 (s)  --warmup 2 (s)  --connections 32  --env KEY=VALUE (tracekit variant)
//
// Variants: bare (the framework alone), als (bare plus an AsyncLocalStorage store entered for
// every request: the context-propagation floor any tracer pays on Node 20), tracekit, otel.
//          --rate N (a fixed load of N requests/s instead of as many as the server can take:
//          the CPU per request of a server that is not saturated)  --json (machine-readable output)
import { spawn } from 'node:child_process';
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
const variants = opt('variants', 'bare,als,tracekit,otel').split(',');
const rounds = Number(opt('rounds', '3'));
const duration = Number(opt('duration', '5'));
const warmup = Number(opt('warmup', '2'));
const connections = Number(opt('connections', '32'));
const asJson = args.includes('--json');
const rate = opt('rate', undefined) === undefined ? undefined : Number(opt('rate'));
const TICK_US = 1e6 / 100; // /proc reports CPU time in clock ticks of 10 ms (CLK_TCK 100)

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
  return serverFiles.find((f) => f.startsWith(`${framework}-${variant === 'als' ? 'bare' : variant}.`));
}

async function startServer(file, env, execArgv = []) {
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-bench-'));
  const child = spawn(process.execPath, [...execArgv, path.join(here, 'servers', file)], {
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

function load(port, seconds) {
  return new Promise((resolve, reject) => {
    const options = { url: `http://127.0.0.1:${port}/users/42`, connections, duration: seconds, pipelining: 1 };
    if (rate !== undefined) options.overallRate = rate;
    autocannon(options, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function measure(framework, variant) {
  const file = fileFor(framework, variant);
  if (!file) return undefined;
  const execArgv = variant === 'als' ? ['--import', path.join(here, 'als-floor.mjs')] : [];
  const { child, port, storeDir } = await startServer(file, variant === 'tracekit' ? extraEnv : {}, execArgv);
  try {
    await load(port, warmup);
    const before = cpuTicks(child.pid);
    const res = await load(port, duration);
    const after = cpuTicks(child.pid);
    const requests = res.requests.total;
    if (res.non2xx > 0 || res.errors > 0) throw new Error(`${file}: ${res.non2xx} non-2xx, ${res.errors} errors`);
    return { requests, rps: requests / duration, p99: res.latency.p99, rss: rssMb(child.pid), cpuUs: ((after - before) * TICK_US) / requests };
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = {};
const started = Date.now();
for (let r = 1; r <= rounds; r++) {
  for (const fw of frameworks) {
    for (const v of variants) {
      const m = await measure(fw, v);
      if (!m) continue;
      ((results[fw] ??= {})[v] ??= []).push(m);
      if (!asJson) process.stderr.write(`round ${r}/${rounds} ${fw.padEnd(8)} ${v.padEnd(9)} ${m.rps.toFixed(0).padStart(6)} req/s  ${m.cpuUs.toFixed(1).padStart(6)} µs CPU/req\n`);
    }
  }
}

const table = [];
for (const fw of frameworks) {
  const bare = results[fw]?.bare;
  const bareCpu = bare ? median(bare.map((m) => m.cpuUs)) : NaN;
  const bareRps = bare ? median(bare.map((m) => m.rps)) : NaN;
  for (const v of variants) {
    const ms = results[fw]?.[v];
    if (!ms) continue;
    const cpu = median(ms.map((m) => m.cpuUs));
    const rps = median(ms.map((m) => m.rps));
    table.push({
      framework: fw,
      variant: v,
      rps: Math.round(rps),
      p99Ms: median(ms.map((m) => m.p99)),
      rssMb: Math.round(median(ms.map((m) => m.rss))),
      cpuUsPerReq: Number(cpu.toFixed(1)),
      addedCpuUs: v === 'bare' ? 0 : Number((cpu - bareCpu).toFixed(1)),
      overAlsUs: v === 'bare' || v === 'als' || !results[fw]?.als ? undefined : Number((cpu - median(results[fw].als.map((m) => m.cpuUs))).toFixed(1)),
      rpsRatio: Number((rps / bareRps).toFixed(3)),
    });
  }
}

if (asJson) {
  console.log(JSON.stringify({ node: process.version, cpus: os.cpus().length, rounds, duration, connections, env: extraEnv, table }, null, 2));
} else {
  console.log(`\nNode ${process.version}, ${os.cpus().length} cores, ${rounds} interleaved rounds of ${duration} s, ${connections} connections, ${rate ? `a fixed load of ${rate} req/s` : 'as fast as the server goes'}, medians${Object.keys(extraEnv).length ? `, tracekit env ${JSON.stringify(extraEnv)}` : ''}\n`);
  console.log('| framework | variant | req/s | p99 (ms) | RSS (MB) | CPU µs/req | added µs/req | over the ALS floor | req/s vs bare |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const t of table) console.log(`| ${t.framework} | ${t.variant} | ${t.rps} | ${t.p99Ms} | ${t.rssMb} | ${t.cpuUsPerReq} | ${t.variant === 'bare' ? '—' : t.addedCpuUs} | ${t.overAlsUs ?? '—'} | ${t.rpsRatio} |`);
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
