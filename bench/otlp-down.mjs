// Memory with the OTLP collector down: a traced Fastify server exports over OTLP/HTTP to a port
// where nothing listens, under a fixed load, for 60 s (--seconds). The queue bound drops and
// counts what the exporter cannot take, and the spool bounds its bytes on disk, so the server's
// RSS must stay flat. Prints RSS every 5 s, the spool's size on disk, and V8's young and old
// generations (bench/lib/heap-report.cjs, preloaded into the server): RSS that steps up with the
// young generation is V8 sizing its semi-spaces to what survives scavenges, not a leak.
//
//   node bench/otlp-down.mjs [--seconds 60] [--rate 4000] [--framework fastify]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
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
const seconds = Number(opt('seconds', '60'));
const rate = Number(opt('rate', '4000'));
const framework = opt('framework', 'fastify');

// A port nothing listens on: bind one, note it, close it.
const deadPort = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-otlp-down-'));
const file = fs.readdirSync(path.join(here, 'servers')).find((f) => f.startsWith(`${framework}-tracekit.`));
const child = spawn(process.execPath, ['--require', path.join(here, 'lib', 'heap-report.cjs'), path.join(here, 'servers', file)], {
  cwd: dir,
  env: { ...process.env, PORT: '0', TRACEKIT_EXPORTER: 'otlp', TRACEKIT_ENDPOINT: `http://127.0.0.1:${deadPort}` },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const port = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
    const m = /ready (\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
});

let heap = '';
let stderrTail = '';
child.stderr.on('data', (c) => {
  stderrTail = (stderrTail + c).slice(-4096);
  const lines = stderrTail.split('\n').filter((l) => l.startsWith('heap '));
  if (lines.length > 0) heap = lines.at(-1).slice(5);
});

const rssMb = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const duBytes = (p) => {
  let total = 0;
  const walk = (d) => {
    let entries = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else total += fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0;
    }
  };
  walk(p);
  return total;
};

const samples = [];
const load = new Promise((resolve, reject) => {
  autocannon({ url: `http://127.0.0.1:${port}/users/42`, connections: 32, duration: seconds, overallRate: rate }, (err, res) => (err ? reject(err) : resolve(res)));
});
const t0 = Date.now();
const timer = setInterval(() => {
  const s = { t: Math.round((Date.now() - t0) / 1000), rssMb: Number(rssMb().toFixed(1)), storeBytes: duBytes(dir), heap };
  samples.push(s);
  process.stderr.write(`${String(s.t).padStart(3)} s  RSS ${s.rssMb} MB  store on disk ${(s.storeBytes / 1024 / 1024).toFixed(1)} MB  ${heap}\n`);
}, 5000);
const res = await load;
clearInterval(timer);
child.kill('SIGKILL');
fs.rmSync(dir, { recursive: true, force: true });
const after10 = samples.filter((s) => s.t >= 10);
const first = after10[0];
const last = after10.at(-1);
const peak = Math.max(...after10.map((s) => s.rssMb));
console.log(
  `\nOTLP collector down, ${framework}, ${rate} req/s for ${seconds} s (${res.requests.total} requests, ${res.non2xx} non-2xx): ` +
    `RSS ${first?.rssMb} MB at ${first?.t} s, ${last?.rssMb} MB at ${last?.t} s (peak ${peak} MB); growth after 10 s ${(last.rssMb - first.rssMb).toFixed(1)} MB`,
);
