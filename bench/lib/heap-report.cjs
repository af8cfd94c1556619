// Preloaded into a bench server (`node -r bench/lib/heap-report.cjs server.mjs`): every 5 s it
// prints V8's heap spaces and Node's external memory to stderr as one `heap …` line, so a bench
// can tell a growing young generation (V8 sizing its semi-spaces to what survives scavenges)
// from a growing old generation or from buffers. Values in MB.
'use strict';
const v8 = require('node:v8');

const mb = (n) => (n / 1048576).toFixed(1);
setInterval(() => {
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
  const m = process.memoryUsage();
  process.stderr.write(`heap new=${mb(spaces.new_space ?? 0)} old=${mb(spaces.old_space ?? 0)} code=${mb(spaces.code_space ?? 0)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)}\n`);
}, Number(process.env.HEAP_REPORT_MS ?? 5000)).unref();
